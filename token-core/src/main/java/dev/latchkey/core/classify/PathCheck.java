package dev.latchkey.core.classify;

/**
 * Helpers for classifiers: refuses paths whose meaning could differ between the classifier and the host's
 * router, and recognises project keys and repository slugs. One pass over the characters, no allocation: it
 * runs on every request.
 *
 * @since 0.1
 */
public final class PathCheck {
    private PathCheck() {
    }

    /**
     * Throws {@link UnclassifiableRequestException} unless {@code path} is absolute, normalised and unambiguous.
     *
     * @param path the request path
     * @throws UnclassifiableRequestException if the path is empty or relative, has an empty, {@code .} or {@code ..}
     *                                        segment, or holds a control character, {@code ;}, {@code \} or {@code %}
     */
    public static void requireNormalised(String path) {
        int n = path.length();
        if (n == 0 || path.charAt(0) != '/') {
            throw new UnclassifiableRequestException("the path does not start with '/'");
        }
        int segmentStart = 1; // index after the last '/'
        for (int i = 1; i <= n; i++) {
            char c = i < n ? path.charAt(i) : '/';
            if (c == '/') {
                int len = i - segmentStart;
                // empty segment ("//"), "." or ".." — a trailing '/' (len 0 at the end) is fine
                if ((len == 0 && i < n) || (len == 1 && path.charAt(segmentStart) == '.')
                        || (len == 2 && path.charAt(segmentStart) == '.' && path.charAt(segmentStart + 1) == '.')) {
                    throw new UnclassifiableRequestException("the path is not normalised");
                }
                segmentStart = i + 1;
            } else if (c < 0x20 || c == 0x7f || c == ';' || c == '\\' || c == '%') {
                throw new UnclassifiableRequestException("the path contains a character (" + (int) c
                        + ") that makes its meaning ambiguous");
            }
        }
    }

    /**
     * Whether {@code s[from, to)} is a project key: an optional {@code ~}, then 1-128 of [A-Za-z0-9_-].
     *
     * @param s    the text
     * @param from the first index
     * @param to   the index after the last
     * @return true if the characters form a project key
     */
    public static boolean isKey(String s, int from, int to) {
        int start = from < to && s.charAt(from) == '~' ? from + 1 : from;
        return run(s, start, to, false);
    }

    /**
     * Whether {@code s[from, to)} is a repository slug: 1-128 of [A-Za-z0-9._-].
     *
     * @param s    the text
     * @param from the first index
     * @param to   the index after the last
     * @return true if the characters form a repository slug
     */
    public static boolean isSlug(String s, int from, int to) {
        return run(s, from, to, true);
    }

    private static boolean run(String s, int from, int to, boolean dot) {
        int len = to - from;
        if (len < 1 || len > 128) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-' || (dot && c == '.');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
