package dev.latchkey.core.internal.net;

import dev.latchkey.core.internal.CidrSet;
import inet.ipaddr.IPAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A compiled list of CIDR ranges, with the engine's own parsing rules, for hosts and integrations that need
 * the same answers as the engine (trusted proxies, allowlists outside the token path). Strict parsing: plain
 * dotted IPv4 and IPv6 with an optional prefix length; a range with host bits set ({@code 10.1.2.3/8}) is an
 * error, never silently widened; IPv4-mapped IPv6 is treated as IPv4. Lookups cost the same at 10 or 100,000
 * ranges. Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class CidrRules {
    private static final CidrRules NONE = new CidrRules(CidrSet.empty());
    private final CidrSet set;

    private CidrRules(CidrSet set) {
        this.set = set;
    }

    /**
     * No ranges.
     *
     * @return rules with no range, which contain no address
     */
    public static CidrRules none() {
        return NONE;
    }

    /**
     * Parses and compiles {@code cidrs} (ranges or single addresses).
     *
     * @param field the setting or field name that error messages name
     * @param cidrs the ranges and single addresses, IPv4 or IPv6
     * @return the compiled rules
     * @throws dev.latchkey.core.ValidationException naming {@code field} and the first invalid entry
     * @throws NullPointerException if {@code field} or {@code cidrs} is null
     */
    public static CidrRules compile(String field, List<String> cidrs) {
        Objects.requireNonNull(field, "field");
        return new CidrRules(CidrSet.compile(field, List.copyOf(Objects.requireNonNull(cidrs, "cidrs"))));
    }

    /**
     * The canonical text of a client address (dotted IPv4, compressed lower-case IPv6; {@code ::ffff:10.1.2.3}
     * becomes {@code 10.1.2.3}; brackets and a zone id are dropped), or empty when {@code text} is not a plain
     * address. Ports are not accepted: strip them first.
     *
     * @param text the address as text; may be null
     * @return the canonical text, or empty when {@code text} is null or not a plain address
     */
    public static Optional<String> canonicalAddress(String text) {
        return text == null ? Optional.empty() : CidrSet.parseClientIp(text).map(IPAddress::toCanonicalString);
    }

    /**
     * Whether there are no ranges.
     *
     * @return true if there is no range
     */
    public boolean isEmpty() {
        return set.isEmpty();
    }

    /**
     * Whether {@code address} is a plain address inside one of the ranges; false for anything unparseable.
     *
     * @param address the client address as text; may be null
     * @return true if it parses and lies inside a range
     */
    public boolean contains(String address) {
        if (address == null || set.isEmpty()) {
            return false;
        }
        Optional<IPAddress> a = CidrSet.parseClientIp(address);
        return a.isPresent() && set.contains(a.get());
    }

    /**
     * The ranges in canonical text, duplicates dropped, in the order given.
     *
     * @return the canonical ranges, without duplicates
     */
    public List<String> canonical() {
        return set.canonical();
    }

    @Override
    public String toString() {
        return "CidrRules" + set.canonical();
    }
}
