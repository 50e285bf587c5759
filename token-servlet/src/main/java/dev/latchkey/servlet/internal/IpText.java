package dev.latchkey.servlet.internal;

import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv6.IPv6Address;

/**
 * Strict parsing of client addresses and proxy ranges as they appear in peer addresses and forwarding
 * headers. Never throws for caller text: anything that is not a plain address is {@code null}.
 */
public final class IpText {
    /** Longest text considered as one hop: a bracketed IPv6 with zone and port fits comfortably. */
    private static final int MAX_HOP = 100;

    /** Plain addresses only: no inet_aton forms, no leading zeros, no ranges, masks or wildcards. */
    private static final IPAddressStringParameters ADDRESS = new IPAddressStringParameters.Builder()
            .allowEmpty(false).allowAll(false).allowSingleSegment(false).allowMask(false).allowPrefixOnly(false)
            .allowPrefix(false).allowWildcardedSeparator(false).setRangeOptions(RangeParameters.NO_RANGE)
            .allow_inet_aton(false)
            .getIPv4AddressParametersBuilder().allowLeadingZeros(false).allowBinary(false).getParentBuilder()
            .getIPv6AddressParametersBuilder().allowZone(false).allowBinary(false).getParentBuilder()
            .toParams();

    /** CIDR blocks (an address with an optional prefix length) for configuration. */
    private static final IPAddressStringParameters CIDR = new IPAddressStringParameters.Builder()
            .allowEmpty(false).allowAll(false).allowSingleSegment(false).allowMask(false).allowPrefixOnly(false)
            .allowWildcardedSeparator(false).setRangeOptions(RangeParameters.NO_RANGE).allow_inet_aton(false)
            .getIPv4AddressParametersBuilder().allowLeadingZeros(false).allowBinary(false)
            .allowPrefixesBeyondAddressSize(false).getParentBuilder()
            .getIPv6AddressParametersBuilder().allowZone(false).allowBinary(false)
            .allowPrefixesBeyondAddressSize(false).getParentBuilder()
            .toParams();

    private IpText() {
    }

    /**
     * Parses a configured CIDR block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or single address, as the
     * whole block it denotes; IPv4-mapped IPv6 blocks become IPv4 blocks.
     *
     * @throws IllegalArgumentException naming {@code setting} if it is not one
     */
    public static IPAddress parseCidr(String setting, String text) {
        String t = text == null ? "" : text.strip();
        IPAddress a = t.length() > MAX_HOP ? null : new IPAddressString(t, CIDR).getAddress();
        if (a == null) {
            throw new IllegalArgumentException(setting + ": '" + text + "' is not an IPv4 or IPv6 address or CIDR "
                    + "block such as 10.0.0.0/8 or 2001:db8::/32");
        }
        IPAddress block = a.isPrefixed() ? a.toPrefixBlock() : a;
        if (block.isIPv6() && block.toIPv6().isIPv4Mapped()) {
            Integer prefix = block.getNetworkPrefixLength();
            IPAddress v4 = block.toIPv6().getEmbeddedIPv4Address();
            if (prefix != null && prefix >= 96) {
                v4 = v4.setPrefixLength(prefix - 96, false).toPrefixBlock();
            }
            block = v4;
        }
        return block;
    }

    /**
     * Parses one address as a peer address or a forwarding-header hop: IPv4 ({@code 192.0.2.1},
     * {@code 192.0.2.1:8080}) or IPv6 ({@code 2001:db8::1}, {@code [2001:db8::1]}, {@code [2001:db8::1]:4711},
     * {@code fe80::1%eth0}). Ports and zone ids are dropped; IPv4-mapped IPv6 becomes IPv4.
     *
     * @return the address, or {@code null} if the text is not one
     */
    public static IPAddress parseHost(String text) {
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
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone);
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) {
                return null;
            }
        }
        IPAddress a = new IPAddressString(t, ADDRESS).getAddress();
        if (a == null) {
            return null;
        }
        if (a.isIPv6()) {
            IPv6Address v6 = a.toIPv6();
            if (v6.isIPv4Mapped()) {
                return v6.getEmbeddedIPv4Address();
            }
        }
        return a;
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

    /** Canonical text: dotted IPv4, compressed lower-case IPv6. */
    public static String canonical(IPAddress a) {
        return a.toCanonicalString();
    }
}
