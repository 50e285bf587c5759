package dev.latchkey.buildchecks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads OSGi manifest headers: clauses separated by commas outside quotes, paths before the first attribute. */
final class OsgiHeaders {

    private OsgiHeaders() {
    }

    /**
     * The package names of an {@code Export-Package} header. A clause may name several packages sharing its
     * attributes ({@code a;b;version=1}), and a {@code uses:="x,y"} directive holds commas inside quotes.
     */
    static Set<String> packages(String header) {
        Set<String> packages = new LinkedHashSet<>();
        if (header == null || header.isBlank()) {
            return packages;
        }
        for (String clause : split(header, ',')) {
            for (String part : split(clause, ';')) {
                String p = part.trim();
                if (p.contains("=")) {
                    break; // attributes and directives follow the paths
                }
                if (!p.isEmpty()) {
                    packages.add(p);
                }
            }
        }
        return packages;
    }

    private static List<String> split(String value, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }
}
