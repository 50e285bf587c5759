package dev.latchkey.servlet.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits forwarding headers into hops, read from the right (the nearest proxy) to the left (the client side).
 *
 * <p>Only the right end of a forwarding header was written by our trusted proxies; everything left of the
 * first untrusted hop is whatever the client chose to send. So the header is never parsed as a whole: hops are
 * taken one at a time from the right, and parsing stops at the first hop that cannot be read (returned as
 * {@link #INVALID}) or after {@value #MAX_HOPS} + 1 hops. A syntax error, an unterminated quote or thousands of
 * junk hops left of the client therefore cannot change what is read to the right of them. Never throws.
 *
 * <p>The two sentinels are compared by identity ({@code ==}): no header text can ever be the same object.
 */
public final class ForwardingHops {
    /** A hop that names no address: {@code unknown}, an RFC 7239 obfuscated identifier, or no {@code for}. */
    public static final String OBFUSCATED = new String("obfuscated");
    /** A hop that cannot be parsed (empty, broken syntax, two {@code for} parameters, ...). */
    public static final String INVALID = new String("invalid");
    /** The most hops walked; a walk that needs more ends with the client address unknown. */
    public static final int MAX_HOPS = 64;

    private ForwardingHops() {
    }

    /**
     * {@code X-Forwarded-For} syntax: addresses separated by commas; several header lines are one list in the
     * order received (RFC 9110 section 5.3). Returns hops right to left, at most {@value #MAX_HOPS} + 1, ending
     * at the first {@link #INVALID}.
     */
    public static List<String> commaListFromRight(List<String> headerLines) {
        List<String> hops = new ArrayList<>();
        for (int l = headerLines.size() - 1; l >= 0; l--) {
            String line = headerLines.get(l);
            int end = line.length();
            while (true) {
                int comma = end == 0 ? -1 : line.lastIndexOf(',', end - 1);
                String hop = line.substring(comma + 1, end).strip();
                String h = hop.isEmpty() ? INVALID : obfuscatedOr(hop);
                hops.add(h);
                if (h == INVALID || hops.size() > MAX_HOPS) {
                    return hops;
                }
                if (comma < 0) {
                    break;
                }
                end = comma;
            }
        }
        return hops;
    }

    /**
     * RFC 7239 {@code Forwarded} syntax: the {@code for} parameter of each element, elements read right to left
     * (a comma inside a quoted string does not split). Returns hops right to left, at most {@value #MAX_HOPS} + 1,
     * ending at the first {@link #INVALID}.
     */
    public static List<String> forwardedFromRight(List<String> headerLines) {
        List<String> hops = new ArrayList<>();
        for (int l = headerLines.size() - 1; l >= 0; l--) {
            String line = headerLines.get(l);
            int end = line.length();
            while (true) {
                boolean quoted = false;
                boolean escape = false;
                int i = end - 1;
                for (; i >= 0; i--) {
                    char c = line.charAt(i);
                    if (c == '"') {
                        quoted = !quoted;
                    } else if (c == '\\') {
                        // read backwards, an escape is ambiguous; no address ever needs one
                        escape = true;
                    } else if (c == ',' && !quoted) {
                        break;
                    }
                }
                String h = quoted || escape ? INVALID : forValue(line.substring(i + 1, end));
                hops.add(h);
                if (h == INVALID || hops.size() > MAX_HOPS) {
                    return hops;
                }
                if (i < 0) {
                    break;
                }
                end = i;
            }
        }
        return hops;
    }

    /** The {@code for} value of one {@code Forwarded} element (no top-level comma in it), or a sentinel. */
    private static String forValue(String element) {
        int i = 0;
        int n = element.length();
        String forValue = null;
        boolean any = false;
        while (true) {
            i = skipSpace(element, i);
            if (i >= n) {
                break;
            }
            int start = i;
            while (i < n && isTokenChar(element.charAt(i))) {
                i++;
            }
            if (i == start || i >= n || element.charAt(i) != '=') {
                return INVALID;
            }
            String name = element.substring(start, i).toLowerCase(Locale.ROOT);
            i++;
            String value;
            if (i < n && element.charAt(i) == '"') {
                int close = element.indexOf('"', i + 1);
                if (close < 0) {
                    return INVALID;
                }
                value = element.substring(i + 1, close);
                i = close + 1;
            } else {
                start = i;
                while (i < n && isTokenChar(element.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    return INVALID;
                }
                value = element.substring(start, i);
            }
            if (name.equals("for")) {
                if (forValue != null) {
                    return INVALID; // two "for" in one element: which one did the proxy write?
                }
                forValue = value;
            }
            any = true;
            i = skipSpace(element, i);
            if (i >= n) {
                break;
            }
            if (element.charAt(i) != ';') {
                return INVALID;
            }
            i++;
            if (skipSpace(element, i) >= n) {
                return INVALID; // trailing ';'
            }
        }
        if (!any) {
            return INVALID; // an empty element
        }
        return forValue == null ? OBFUSCATED : obfuscatedOr(forValue.strip());
    }

    private static String obfuscatedOr(String hop) {
        if (hop.isEmpty()) {
            return INVALID;
        }
        if (hop.equalsIgnoreCase("unknown") || hop.charAt(0) == '_') {
            return OBFUSCATED;
        }
        return hop;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /**
     * Whether {@code name} can be a header field name: 1-64 RFC 9110 {@code tchar}s (the one rule for the names of
     * forwarding headers, here and in {@code ClientIpResolver}).
     */
    public static boolean isHeaderName(String name) {
        if (name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
