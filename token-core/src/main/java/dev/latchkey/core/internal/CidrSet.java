package dev.latchkey.core.internal;

import dev.latchkey.core.ValidationException;
import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv4.IPv4AddressTrie;
import inet.ipaddr.ipv6.IPv6Address;
import inet.ipaddr.ipv6.IPv6AddressTrie;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A compiled set of CIDR ranges: one binary trie per address family, so a lookup walks at most 32 or 128
 * levels whatever the number of rules. Immutable after construction (the tries are only read), so it is
 * safe to share between threads.
 */
public final class CidrSet {

    /**
     * Strict parsing: plain dotted IPv4 and RFC 4291 IPv6 with an optional prefix length. No inet_aton forms
     * ("10.1", "0x0a.1"), no leading zeros (octal ambiguity), no masks, wildcards, ranges or zones.
     */
    private static final IPAddressStringParameters STRICT = new IPAddressStringParameters.Builder()
            .allowEmpty(false).allowAll(false).allowSingleSegment(false).allowMask(false).allowPrefixOnly(false)
            .allowWildcardedSeparator(false).setRangeOptions(RangeParameters.NO_RANGE).allow_inet_aton(false)
            .getIPv4AddressParametersBuilder().allowLeadingZeros(false).allowPrefixLengthLeadingZeros(false)
            .allowPrefixesBeyondAddressSize(false).allowBinary(false).getParentBuilder()
            .getIPv6AddressParametersBuilder().allowZone(false).allowLeadingZeros(true).allowBinary(false)
            .allowPrefixesBeyondAddressSize(false).getParentBuilder()
            .toParams();

    /** The longest text accepted as one CIDR or address (the longest IPv6 form with a prefix is 49). */
    private static final int MAX_TEXT = 64;
    /** The most ranges one list may hold. */
    public static final int MAX_RULES = 1_000_000;

    private static final CidrSet EMPTY = new CidrSet(List.of(), new IPv4AddressTrie(), new IPv6AddressTrie());

    private final List<String> canonical;
    private final IPv4AddressTrie v4;
    private final IPv6AddressTrie v6;

    private CidrSet(List<String> canonical, IPv4AddressTrie v4, IPv6AddressTrie v6) {
        this.canonical = canonical;
        this.v4 = v4;
        this.v6 = v6;
    }

    /** The empty set (matches nothing; callers treat "no rules" as "no limit"). */
    public static CidrSet empty() {
        return EMPTY;
    }

    /**
     * Parses and compiles {@code cidrs}.
     *
     * @param field the setting or field name for error messages
     * @throws ValidationException naming the first invalid entry
     */
    public static CidrSet compile(String field, List<String> cidrs) {
        if (cidrs.isEmpty()) {
            return EMPTY;
        }
        if (cidrs.size() > MAX_RULES) {
            throw new ValidationException(field, cidrs.size() + " ranges given; at most " + MAX_RULES + " are accepted");
        }
        IPv4AddressTrie v4 = new IPv4AddressTrie();
        IPv6AddressTrie v6 = new IPv6AddressTrie();
        Set<String> canonical = new LinkedHashSet<>();
        for (String text : cidrs) {
            IPAddress block = parseCidr(field, text);
            canonical.add(block.toCanonicalString());
            if (block.isIPv4()) {
                v4.add(block.toIPv4());
            } else {
                v6.add(block.toIPv6());
            }
        }
        return new CidrSet(List.copyOf(canonical), v4, v6);
    }

    /**
     * Validates and returns the canonical form of {@code cidrs} (IPv4-mapped IPv6 ranges become IPv4,
     * duplicates dropped, order kept).
     *
     * @throws ValidationException naming the first invalid entry
     */
    public static List<String> canonicalize(String field, List<String> cidrs) {
        return compile(field, cidrs).canonical;
    }

    private static IPAddress parseCidr(String field, String text) {
        if (text == null) {
            throw new ValidationException(field, "a CIDR range must not be null");
        }
        String t = text.strip();
        if (t.isEmpty() || t.length() > MAX_TEXT) {
            throw new ValidationException(field, Echo.quote(text) + " is not a CIDR range such as 10.0.0.0/8 or 2001:db8::/32");
        }
        IPAddress addr = onlyAddressCharacters(t, true) ? new IPAddressString(t, STRICT).getAddress() : null;
        if (addr == null) {
            throw new ValidationException(field, Echo.quote(text) + " is not a CIDR range such as 10.0.0.0/8 or 2001:db8::/32");
        }
        Integer prefix = addr.getNetworkPrefixLength();
        if (prefix != null && !addr.isPrefixBlock()) {
            throw new ValidationException(field, Echo.quote(t) + " has host bits set below its /" + prefix
                    + "; did you mean " + addr.toPrefixBlock().toCanonicalString() + "?");
        }
        if (addr.isIPv6()) {
            IPv6Address v6 = addr.toIPv6();
            if (v6.isIPv4Mapped()) {
                if (prefix != null && prefix < 96) {
                    throw new ValidationException(field, Echo.quote(t) + " is an IPv4-mapped range shorter than /96; "
                            + "write the IPv4 range instead");
                }
                IPv4Address v4 = v6.getEmbeddedIPv4Address();
                return prefix == null ? v4.withoutPrefixLength() : v4.setPrefixLength(prefix - 96, false).toPrefixBlock();
            }
        }
        return prefix == null ? addr.withoutPrefixLength() : addr;
    }

    /** The canonical text of the ranges. */
    public List<String> canonical() {
        return canonical;
    }

    public boolean isEmpty() {
        return canonical.isEmpty();
    }

    /** Whether {@code address} (already normalised by {@link #parseClientIp}) lies in one of the ranges. */
    public boolean contains(IPAddress address) {
        if (address.isIPv4()) {
            return !v4.isEmpty() && v4.elementContains(address.toIPv4());
        }
        return !v6.isEmpty() && v6.elementContains(address.toIPv6());
    }

    /** Linear scan over the same ranges: only for benchmarks and tests that compare against the trie. */
    public List<IPAddress> ranges() {
        List<IPAddress> out = new ArrayList<>();
        v4.iterator().forEachRemaining(out::add);
        v6.iterator().forEachRemaining(out::add);
        return out;
    }

    /**
     * Parses a client IP as the host resolved it: dotted IPv4 or IPv6 (a zone id is dropped), with
     * IPv4-mapped IPv6 normalised to IPv4 so {@code ::ffff:10.1.2.3} and {@code 10.1.2.3} are one client.
     * Returns empty for anything else (a prefix, a host name, garbage).
     */
    public static Optional<IPAddress> parseClientIp(String text) {
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
        int n = s.length();
        if (n < 7 || n > 15) {
            return null;
        }
        int value = 0;
        int octet = 0;
        int digits = 0;
        int dots = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits > 0 && octet == 0) {
                    return null; // leading zero
                }
                octet = octet * 10 + (c - '0');
                if (++digits > 3 || octet > 255) {
                    return null;
                }
            } else if (c == '.' && digits > 0 && dots < 3) {
                value = (value << 8) | octet;
                octet = 0;
                digits = 0;
                dots++;
            } else {
                return null;
            }
        }
        if (dots != 3 || digits == 0) {
            return null;
        }
        return new IPv4Address((value << 8) | octet);
    }
}
