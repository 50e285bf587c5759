package dev.latchkey.servlet.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits forwarding headers into hops, left (client side) to right (nearest proxy). Returns {@code null}
 * for anything malformed, so the caller falls back to the peer address; never throws.
 */
public final class ForwardingHops {
    /** A hop that names no address: {@code unknown}, or an RFC 7239 obfuscated identifier ({@code _hidden}). */
    public static final String OBFUSCATED = "\u0000obfuscated";
    /** The longest header (all lines together) that is parsed at all. */
    public static final int MAX_HEADER_CHARS = 8192;
    /** The most hops that are parsed. */
    public static final int MAX_HOPS = 64;

    private ForwardingHops() {
    }

    /** {@code X-Forwarded-For} syntax: addresses separated by commas. */
    public static List<String> commaList(List<String> headerLines) {
        if (tooLong(headerLines)) {
            return null;
        }
        List<String> hops = new ArrayList<>();
        for (String line : headerLines) {
            for (String part : line.split(",", -1)) {
                String hop = part.strip();
                if (hop.isEmpty() || hops.size() >= MAX_HOPS) {
                    return null;
                }
                String lower = hop.toLowerCase(Locale.ROOT);
                hops.add(lower.equals("unknown") || hop.startsWith("_") ? OBFUSCATED : hop);
            }
        }
        return hops;
    }

    /** RFC 7239 {@code Forwarded} syntax: the {@code for} parameter of each element. */
    public static List<String> forwarded(List<String> headerLines) {
        if (tooLong(headerLines)) {
            return null;
        }
        List<String> hops = new ArrayList<>();
        for (String line : headerLines) {
            int i = 0;
            int n = line.length();
            String forValue = null;
            boolean element = false;
            while (true) {
                i = skipSpace(line, i);
                if (i >= n) {
                    break;
                }
                // parameter name
                int start = i;
                while (i < n && isTokenChar(line.charAt(i))) {
                    i++;
                }
                if (i == start || i >= n || line.charAt(i) != '=') {
                    return null;
                }
                String name = line.substring(start, i).toLowerCase(Locale.ROOT);
                i++;
                String value;
                if (i < n && line.charAt(i) == '"') {
                    StringBuilder b = new StringBuilder();
                    i++;
                    boolean closed = false;
                    while (i < n) {
                        char c = line.charAt(i);
                        if (c == '\\' && i + 1 < n) {
                            b.append(line.charAt(i + 1));
                            i += 2;
                        } else if (c == '"') {
                            closed = true;
                            i++;
                            break;
                        } else {
                            b.append(c);
                            i++;
                        }
                    }
                    if (!closed) {
                        return null;
                    }
                    value = b.toString();
                } else {
                    start = i;
                    while (i < n && isTokenChar(line.charAt(i))) {
                        i++;
                    }
                    if (i == start) {
                        return null;
                    }
                    value = line.substring(start, i);
                }
                if (name.equals("for")) {
                    if (forValue != null) {
                        return null; // two "for" in one element
                    }
                    forValue = value;
                }
                element = true;
                i = skipSpace(line, i);
                if (i >= n || line.charAt(i) == ',') {
                    if (hops.size() >= MAX_HOPS) {
                        return null;
                    }
                    hops.add(hopOf(forValue));
                    forValue = null;
                    element = false;
                    if (i < n) {
                        i++;
                        if (skipSpace(line, i) >= n) {
                            return null; // trailing comma
                        }
                    }
                } else if (line.charAt(i) == ';') {
                    i++;
                } else {
                    return null;
                }
            }
            if (element) {
                return null;
            }
        }
        return hops;
    }

    private static String hopOf(String forValue) {
        if (forValue == null) {
            return OBFUSCATED; // the proxy did not say who it forwarded for
        }
        String v = forValue.strip();
        if (v.equalsIgnoreCase("unknown") || v.startsWith("_")) {
            return OBFUSCATED;
        }
        return v;
    }

    private static boolean tooLong(List<String> lines) {
        int total = 0;
        for (String l : lines) {
            total += l.length();
            if (total > MAX_HEADER_CHARS) {
                return true;
            }
        }
        return false;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
