package dev.latchkey.core.internal;

import dev.latchkey.core.ValidationException;
import dev.latchkey.core.internal.text.SafeText;
import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.Optional;

/**
 * The text forms {@link CidrSet} accepts: a CIDR range in a rule, a client address as the host resolved it. Strict
 * on purpose (no inet_aton forms, leading zeros, masks, wildcards or zones), so a rule means one thing only.
 */
final class CidrText {
    private CidrText() {
    }

    /**
     * Strict parsing: plain dotted IPv4 and RFC 4291 IPv6 with an optional prefix length. No inet_aton forms
     * ("10.1", "0x0a.1"), no leading zeros (octal ambiguity), no masks, wildcards, ranges or zones.
     */
    static final IPAddressStringParameters STRICT = new IPAddressStringParameters.Builder()
            .allowEmpty(false).allowAll(false).allowSingleSegment(false).allowMask(false).allowPrefixOnly(false)
            .allowWildcardedSeparator(false).setRangeOptions(RangeParameters.NO_RANGE).allow_inet_aton(false)
            .getIPv4AddressParametersBuilder().allowLeadingZeros(false)
            .allowPrefixesBeyondAddressSize(false).allowBinary(false).getParentBuilder()
            .getIPv6AddressParametersBuilder().allowZone(false).allowLeadingZeros(true).allowBinary(false)
            .allowPrefixesBeyondAddressSize(false).getParentBuilder()
            .toParams();

    /** The longest text accepted as one CIDR or address (the longest IPv6 form with a prefix is 49). */
    private static final int MAX_TEXT = 64;

    /** One rule's range, canonical: host bits must be clear; IPv4-mapped IPv6 becomes IPv4. */
    static IPAddress parseCidr(String field, String text) {
        if (text == null) {
            throw new ValidationException(field, "a CIDR range must not be null");
        }
        String t = text.strip();
        if (t.isEmpty() || t.length() > MAX_TEXT) {
            throw new ValidationException(field, SafeText.quote(text) + " is not a CIDR range such as 10.0.0.0/8 or 2001:db8::/32");
        }
        // the library's own leading-zero switch for prefix lengths also refuses "/0", so that check is ours
        int slash = t.indexOf('/');
        boolean paddedPrefix = slash >= 0 && t.length() - slash > 2 && t.charAt(slash + 1) == '0';
        IPAddress addr = onlyAddressCharacters(t, true) && !paddedPrefix ? new IPAddressString(t, STRICT).getAddress() : null;
        if (addr == null) {
            throw new ValidationException(field, SafeText.quote(text) + " is not a CIDR range such as 10.0.0.0/8 or 2001:db8::/32");
        }
        Integer prefix = addr.getNetworkPrefixLength();
        if (prefix != null && !addr.isPrefixBlock()) {
            throw new ValidationException(field, SafeText.quote(t) + " has host bits set below its /" + prefix
                    + "; did you mean " + addr.toPrefixBlock().toCanonicalString() + "?");
        }
        if (addr.isIPv6()) {
            IPv6Address v6 = addr.toIPv6();
            if (v6.isIPv4Mapped()) {
                if (prefix != null && prefix < 96) {
                    throw new ValidationException(field, SafeText.quote(t) + " is an IPv4-mapped range shorter than /96; "
                            + "write the IPv4 range instead");
                }
                IPv4Address v4 = v6.getEmbeddedIPv4Address();
                return prefix == null ? v4.withoutPrefixLength() : v4.setPrefixLength(prefix - 96, false).toPrefixBlock();
            }
        }
        return prefix == null ? addr.withoutPrefixLength() : addr;
    }

    /**
     * Parses a client IP as the host resolved it: dotted IPv4 or IPv6 (a zone id is dropped), with
     * IPv4-mapped IPv6 normalised to IPv4 so {@code ::ffff:10.1.2.3} and {@code 10.1.2.3} are one client.
     * Returns empty for anything else (a prefix, a host name, garbage).
     */
    static Optional<IPAddress> parseClientIp(String text) {
        IPv4Address fast = parseDottedQuad(text);
        if (fast != null) {
            return Optional.of(fast);
        }
        if (text.isEmpty() || text.length() > MAX_TEXT) {
            return Optional.empty();
        }
        String t = text;
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone);
        }
        if (!onlyAddressCharacters(t, false)) {
            return Optional.empty();
        }
        IPAddress addr = new IPAddressString(t, STRICT).getAddress();
        if (addr == null || addr.getNetworkPrefixLength() != null) {
            return Optional.empty();
        }
        if (addr.isIPv6() && addr.toIPv6().isIPv4Mapped()) {
            return Optional.of(addr.toIPv6().getEmbeddedIPv4Address());
        }
        return Optional.of(addr);
    }

    /**
     * Hex digits, ':' and '.' (and '/' for a CIDR) only: the general parser is lenient about some other
     * characters (it stops at a NUL, for one), and nothing else belongs in an address.
     */
    private static boolean onlyAddressCharacters(String t, boolean slash) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':'
                    || c == '.' || (slash && c == '/');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The common case without the general parser: four decimal octets, no leading zeros. */
    private static IPv4Address parseDottedQuad(String s) {
        long value = dottedQuadValue(s);
        return value < 0 ? null : new IPv4Address((int) value);
    }

    /**
     * The unsigned value of four decimal octets without leading zeros (the form in which text and canonical form
     * are the same), or -1 for anything else, which the general parser then reads. No allocation: the hot path
     * checks IPv4 clients against CIDR sets with this value alone.
     */
    static long dottedQuadValue(String s) {
        int n = s == null ? 0 : s.length();
        if (n < 7 || n > 15) {
            return -1;
        }
        int value = 0;
        int octet = 0;
        int digits = 0;
        int dots = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits > 0 && octet == 0) {
                    return -1; // leading zero
                }
                octet = octet * 10 + (c - '0');
                if (++digits > 3 || octet > 255) {
                    return -1;
                }
            } else if (c == '.' && digits > 0 && dots < 3) {
                value = (value << 8) | octet;
                octet = 0;
                digits = 0;
                dots++;
            } else {
                return -1;
            }
        }
        if (dots != 3 || digits == 0) {
            return -1;
        }
        return Integer.toUnsignedLong((value << 8) | octet);
    }
}
