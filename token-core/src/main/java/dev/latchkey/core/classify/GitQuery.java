package dev.latchkey.core.classify;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the {@code service} parameter of a git ref advertisement exactly as a servlet container decodes it
 * ({@code %2D}, {@code %73ervice} and {@code +} are decoded in names and values), failing towards refusal: a
 * parameter given twice, or a query that does not decode, is unclassifiable.
 *
 * @since 0.1
 */
public final class GitQuery {
    private GitQuery() {
    }

    /**
     * The decoded {@code service} value, or null if there is none.
     *
     * @param query the raw query string; may be null or empty
     * @return the decoded value, or null when the query has no {@code service} parameter
     * @throws UnclassifiableRequestException if {@code service} occurs more than once or the query is malformed
     */
    public static String service(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        String found = null;
        int n = query.length();
        int start = 0;
        while (start <= n) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = n;
            }
            if (end > start) {
                int eq = query.indexOf('=', start);
                int keyEnd = eq < 0 || eq > end ? end : eq;
                String key = decode(query.substring(start, keyEnd));
                if (key.equals("service")) {
                    if (found != null) {
                        throw new UnclassifiableRequestException("the service parameter is given more than once");
                    }
                    found = keyEnd == end ? "" : decode(query.substring(keyEnd + 1, end));
                }
            }
            start = end + 1;
        }
        return found;
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new UnclassifiableRequestException("the query string is not well-formed percent-encoding");
        }
    }
}
