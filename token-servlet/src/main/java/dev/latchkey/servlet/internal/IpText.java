package dev.latchkey.servlet.internal;

import dev.latchkey.core.internal.net.CidrRules;
/**
 * Client addresses as they appear in peer addresses and forwarding headers: strips what a hop may carry
 * around the address (brackets, a port, a zone id) and leaves the address itself to the engine's parser
 * ({@link CidrRules#canonicalAddress}), so the filter and the engine can never disagree on what an address
 * is. Never throws for caller text: anything that is not a plain address is {@code null}.
 */
public final class IpText {
    /** Longest text considered as one hop: a bracketed IPv6 with zone and port fits comfortably. */
    private static final int MAX_HOP = 100;

    private IpText() {
    }

    /**
     * Parses one address as a peer address or a forwarding-header hop: IPv4 ({@code 192.0.2.1},
     * {@code 192.0.2.1:8080}) or IPv6 ({@code 2001:db8::1}, {@code [2001:db8::1]}, {@code [2001:db8::1]:4711},
     * {@code fe80::1%eth0}). Ports and zone ids are dropped; IPv4-mapped IPv6 becomes IPv4.
     *
     * @return the canonical address text, or {@code null} if the text is not an address
     */
    public static String parseHost(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        if (t.isEmpty() || t.length() > MAX_HOP) {
            return null;
        }
        if (t.charAt(0) == '[') {
            int close = t.indexOf(']');
            if (close < 0) {
                return null;
            }
            String rest = t.substring(close + 1);
            if (!rest.isEmpty() && !isPort(rest)) {
                return null;
            }
            t = t.substring(1, close);
        } else {
            int firstColon = t.indexOf(':');
            if (firstColon >= 0 && firstColon == t.lastIndexOf(':')) {
                // exactly one colon: IPv4 with a port (an IPv6 address always has at least two)
                if (!isPort(t.substring(firstColon))) {
                    return null;
                }
                t = t.substring(0, firstColon);
            }
        }
        return CidrRules.canonicalAddress(t).orElse(null);
    }

    private static boolean isPort(String colonAndDigits) {
        int n = colonAndDigits.length();
        if (n < 2 || n > 6 || colonAndDigits.charAt(0) != ':') {
            return false;
        }
        int port = 0;
        for (int i = 1; i < n; i++) {
            char c = colonAndDigits.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }
}
