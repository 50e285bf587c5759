package dev.latchkey.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Servlet-style URL patterns, compiled once: {@code /exact}, {@code /prefix/*} (matches {@code /prefix} and
 * everything below it), {@code *.ext}, and {@code /*} (everything). Matching is by plain string comparison. The
 * paths of {@code PasswordRules}. Immutable and thread-safe.
 */
public final class PathPatterns {
    private static final PathPatterns NONE = new PathPatterns(List.of(), List.of(), List.of(), List.of(), false);

    private final List<String> source;
    private final List<String> exact;
    private final List<String> prefixes;
    private final List<String> extensions;
    private final boolean all;

    private PathPatterns(List<String> source, List<String> exact, List<String> prefixes, List<String> extensions,
                         boolean all) {
        this.source = source;
        this.exact = exact;
        this.prefixes = prefixes;
        this.extensions = extensions;
        this.all = all;
    }

    public static PathPatterns none() {
        return NONE;
    }

    /**
     * Compiles patterns.
     *
     * @throws IllegalArgumentException naming {@code setting} for a pattern that is not one of the forms above
     */
    public static PathPatterns compile(String setting, List<String> patterns) {
        List<String> exact = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        List<String> extensions = new ArrayList<>();
        boolean all = false;
        for (String raw : patterns) {
            String p = Objects.requireNonNull(raw, "pattern").strip();
            if (p.equals("/*") || p.equals("/")) {
                all = true;
            } else if (p.startsWith("*.") && p.length() > 2 && p.indexOf('/') < 0 && p.indexOf('*', 1) < 0) {
                extensions.add(p.substring(1));
            } else if (p.startsWith("/") && p.endsWith("/*") && p.indexOf('*') == p.length() - 1) {
                prefixes.add(p.substring(0, p.length() - 2));
            } else if (p.startsWith("/") && p.indexOf('*') < 0) {
                exact.add(p);
            } else {
                throw new IllegalArgumentException(setting + ": '" + raw + "' is not a servlet URL pattern; use "
                        + "/exact/path, /prefix/*, *.extension or /*");
            }
        }
        return new PathPatterns(List.copyOf(patterns), List.copyOf(exact), List.copyOf(prefixes),
                List.copyOf(extensions), all);
    }

    public boolean isEmpty() {
        return !all && exact.isEmpty() && prefixes.isEmpty() && extensions.isEmpty();
    }

    /** Whether the context-relative {@code path} matches one of the patterns. */
    public boolean matches(String path) {
        if (all) {
            return true;
        }
        for (int i = 0; i < prefixes.size(); i++) {
            String p = prefixes.get(i);
            if (path.startsWith(p) && (path.length() == p.length() || path.charAt(p.length()) == '/')) {
                return true;
            }
        }
        for (int i = 0; i < exact.size(); i++) {
            if (path.equals(exact.get(i))) {
                return true;
            }
        }
        if (!extensions.isEmpty()) {
            int slash = path.lastIndexOf('/');
            for (int i = 0; i < extensions.size(); i++) {
                String ext = extensions.get(i);
                if (path.endsWith(ext) && path.length() - ext.length() > slash) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return source.toString();
    }
}
