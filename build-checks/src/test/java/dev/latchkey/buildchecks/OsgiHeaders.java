package dev.latchkey.buildchecks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

    /**
     * Each package of an {@code Export-Package} or {@code Import-Package} header with the attributes and directives
     * of its clause, quotes removed; a directive's key keeps its colon ({@code x-friends:}, {@code resolution:}).
     */
    static Map<String, Map<String, String>> parameters(String header) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        for (String clause : split(header, ',')) {
            List<String> paths = new ArrayList<>();
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String part : split(clause, ';')) {
                String p = part.trim();
                int eq = p.indexOf('=');
                if (eq < 0) {
                    if (!p.isEmpty()) {
                        paths.add(p);
                    }
                    continue;
                }
                String value = p.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                attributes.put(p.substring(0, eq).trim(), value);
            }
            for (String path : paths) {
                out.put(path, attributes);
            }
        }
        return out;
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
