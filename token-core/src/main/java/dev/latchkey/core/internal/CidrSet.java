package dev.latchkey.core.internal;

import dev.latchkey.core.ValidationException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A compiled set of CIDR ranges. The ranges are merged into sorted, non-overlapping intervals per address
 * family and looked up by binary search; a large IPv4 set also gets an index by the top 16 bits, so a lookup
 * touches one or two intervals whatever the number of rules. Primitive arrays only: no objects to chase, no
 * allocation per lookup. Immutable after construction, so it is safe to share between threads.
 *
 * @since 0.1
 */
public final class CidrSet {

    /** The most ranges one list may hold. */
    public static final int MAX_RULES = 1_000_000;
    /** IPv4 interval count from which the 256 KiB top-16-bit index pays for itself. */
    private static final int INDEX_FROM = 512;

    private static final CidrSet EMPTY = new CidrSet(List.of(), new long[0], new long[0], null,
            new long[0], new long[0], new long[0], new long[0]);

    private final List<String> canonical;
    // IPv4: unsigned 32-bit values in longs; v4Start sorted, intervals disjoint and not adjacent
    private final long[] v4Start;
    private final long[] v4End;
    /** v4Below[b] = how many intervals start below b << 16 (b = 0..65536); null for small sets. */
    private final int[] v4Below;
    // IPv6: 128-bit values as (hi, lo) pairs compared unsigned
    private final long[] v6StartHi;
    private final long[] v6StartLo;
    private final long[] v6EndHi;
    private final long[] v6EndLo;

    private CidrSet(List<String> canonical, long[] v4Start, long[] v4End, int[] v4Below, long[] v6StartHi,
                    long[] v6StartLo, long[] v6EndHi, long[] v6EndLo) {
        this.canonical = canonical;
        this.v4Start = v4Start;
        this.v4End = v4End;
        this.v4Below = v4Below;
        this.v6StartHi = v6StartHi;
        this.v6StartLo = v6StartLo;
        this.v6EndHi = v6EndHi;
        this.v6EndLo = v6EndLo;
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
        Set<String> canonical = new LinkedHashSet<>();
        List<long[]> v4 = new ArrayList<>();
        List<long[]> v6 = new ArrayList<>();
        for (String text : cidrs) {
            IPAddress block = CidrText.parseCidr(field, text);
            canonical.add(block.toCanonicalString());
            if (block.isIPv4()) {
                IPv4Address a = block.toIPv4();
                v4.add(new long[] {a.longValue(), a.upperLongValue()});
            } else {
                IPv6Address a = block.toIPv6();
                long[] lower = a.getLower().longValues();
                long[] upper = a.getUpper().longValues();
                v6.add(new long[] {lower[0], lower[1], upper[0], upper[1]});
            }
        }
        // IPv4: sort by start, merge overlapping or adjacent intervals
        v4.sort((x, y) -> Long.compare(x[0], y[0]));
        List<long[]> m4 = new ArrayList<>();
        for (long[] iv : v4) {
            long[] last = m4.isEmpty() ? null : m4.get(m4.size() - 1);
            if (last != null && iv[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], iv[1]);
            } else {
                m4.add(new long[] {iv[0], iv[1]});
            }
        }
        long[] v4Start = new long[m4.size()];
        long[] v4End = new long[m4.size()];
        for (int i = 0; i < m4.size(); i++) {
            v4Start[i] = m4.get(i)[0];
            v4End[i] = m4.get(i)[1];
        }
        int[] below = null;
        if (v4Start.length >= INDEX_FROM) {
            below = new int[65537];
            int i = 0;
            for (int b = 0; b <= 65536; b++) {
                long bucketStart = (long) b << 16;
                while (i < v4Start.length && v4Start[i] < bucketStart) {
                    i++;
                }
                below[b] = i;
            }
        }
        // IPv6: the same with unsigned 128-bit comparison
        v6.sort((x, y) -> compare128(x[0], x[1], y[0], y[1]));
        List<long[]> m6 = new ArrayList<>();
        for (long[] iv : v6) {
            long[] last = m6.isEmpty() ? null : m6.get(m6.size() - 1);
            if (last != null && touches(last[2], last[3], iv[0], iv[1])) {
                if (compare128(iv[2], iv[3], last[2], last[3]) > 0) {
                    last[2] = iv[2];
                    last[3] = iv[3];
                }
            } else {
                m6.add(new long[] {iv[0], iv[1], iv[2], iv[3]});
            }
        }
        long[] sHi = new long[m6.size()];
        long[] sLo = new long[m6.size()];
        long[] eHi = new long[m6.size()];
        long[] eLo = new long[m6.size()];
        for (int i = 0; i < m6.size(); i++) {
            long[] iv = m6.get(i);
            sHi[i] = iv[0];
            sLo[i] = iv[1];
            eHi[i] = iv[2];
            eLo[i] = iv[3];
        }
        return new CidrSet(List.copyOf(canonical), v4Start, v4End, below, sHi, sLo, eHi, eLo);
    }

    /** Whether an interval starting at {@code start} overlaps or directly follows one ending at {@code end}. */
    private static boolean touches(long endHi, long endLo, long startHi, long startLo) {
        if (endHi == -1L && endLo == -1L) {
            return true; // the previous interval runs to the last address
        }
        long nextHi = endLo == -1L ? endHi + 1 : endHi;
        long nextLo = endLo + 1;
        return compare128(startHi, startLo, nextHi, nextLo) <= 0;
    }

    private static int compare128(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
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
            return v4Start.length > 0 && containsIPv4(address.toIPv4().longValue());
        }
        if (v6StartHi.length == 0) {
            return false;
        }
        IPv6Address a = address.toIPv6();
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = (hi << 16) | a.getSegment(i).getSegmentValue();
            lo = (lo << 16) | a.getSegment(i + 4).getSegmentValue();
        }
        return containsIPv6(hi, lo);
    }

    /**
     * Whether a client, as the host reported it, lies in both sets, an empty set admitting every address; false
     * for text that is not one address (see {@link #parseClientIp}). The hot path's check: a dotted IPv4 address
     * is compared as a number without building an address object.
     */
    public static boolean admits(CidrSet global, CidrSet own, String clientIp) {
        long v4 = CidrText.dottedQuadValue(clientIp);
        if (v4 >= 0) {
            return (global.isEmpty() || global.containsIPv4(v4)) && (own.isEmpty() || own.containsIPv4(v4));
        }
        IPAddress a = clientIp == null ? null : parseClientIp(clientIp).orElse(null);
        return a != null && (global.isEmpty() || global.contains(a)) && (own.isEmpty() || own.contains(a));
    }

    private boolean containsIPv4(long x) {
        int lo = 0;
        int hi = v4Start.length - 1;
        if (v4Below != null) {
            int b = (int) (x >>> 16);
            lo = Math.max(v4Below[b] - 1, 0); // the last interval starting before this bucket may reach into it
            hi = v4Below[b + 1] - 1;          // nothing starting in a later bucket can hold x
        }
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (v4Start[mid] <= x) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && x <= v4End[found];
    }

    private boolean containsIPv6(long xHi, long xLo) {
        int lo = 0;
        int hi = v6StartHi.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (compare128(v6StartHi[mid], v6StartLo[mid], xHi, xLo) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && compare128(xHi, xLo, v6EndHi[found], v6EndLo[found]) <= 0;
    }

    /** The ranges as parsed blocks, for a linear scan: only for benchmarks and tests that compare against it. */
    public List<IPAddress> ranges() {
        List<IPAddress> out = new ArrayList<>(canonical.size());
        for (String c : canonical) {
            out.add(new IPAddressString(c, CidrText.STRICT).getAddress());
        }
        return out;
    }

    /**
     * Parses a client IP as the host resolved it: dotted IPv4 or IPv6 (a zone id is dropped), with
     * IPv4-mapped IPv6 normalised to IPv4 so {@code ::ffff:10.1.2.3} and {@code 10.1.2.3} are one client.
     * Returns empty for anything else (a prefix, a host name, garbage).
     */
    public static Optional<IPAddress> parseClientIp(String text) {
        return CidrText.parseClientIp(text);
    }
}
