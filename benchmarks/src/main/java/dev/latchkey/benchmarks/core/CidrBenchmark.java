package dev.latchkey.benchmarks.core;

import dev.latchkey.core.internal.CidrSet;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CIDR rules: the engine's compiled structure ({@link CidrSet}: sorted merged intervals per address family,
 * with a top-16-bit index for large IPv4 sets; the benchmark keeps the name {@code trie} from the first
 * version, because tools read benchmark names) against
 * a linear scan over the same parsed ranges, for a matching and a near-miss IPv4 client among 10, 1,000
 * and 100,000 rules, half IPv4 and half IPv6 (seeded, so every run sees the same rules).
 * <ul>
 *   <li>{@code trie}: {@code CidrSet.contains}, what the engine calls for per-token CIDRs and the global
 *       allowlist;</li>
 *   <li>{@code linearScan}: {@code IPAddress.contains} over the ranges in the order they were given; the
 *       matching rule sits in the middle of the list, so a match costs half a scan and a miss a full one.</li>
 * </ul>
 * Parameters: {@code rules} (count) and {@code address} ({@code match} | {@code miss}). The client address is
 * parsed once in setup: parsing is part of {@link HotPathBenchmark#engine}.
 *
 * <p>{@code CidrSet} lives in the non-exported package {@code dev.latchkey.core.internal}; the benchmarks run
 * on the class path (the module is never deployed), so they may use it.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CidrBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class CidrBenchmark {

    @Param({"10", "1000", "100000"})
    public int rules;

    @Param({"match", "miss"})
    public String address;

    public CidrSet trie;
    public List<IPAddress> linear;
    public IPAddress client;

    @Setup(Level.Trial)
    public void setUp() {
        List<String> texts = rules(rules, new Random(1234));
        trie = CidrSet.compile("benchmark", texts);
        linear = new ArrayList<>(texts.size());
        for (String t : texts) {
            linear.add(new IPAddressString(t).getAddress());
        }
        String ip = switch (address) {
            case "match" -> matchingAddress(texts);
            case "miss" -> missingAddress(texts, trie);
            default -> throw new IllegalArgumentException("address must be match or miss, was " + address);
        };
        client = CidrSet.parseClientIp(ip).orElseThrow();
    }

    /**
     * {@code count} distinct prefix blocks, alternating IPv4 (first octet 11..126, /16 to /30) and IPv6
     * (inside 2001:db8::/32, /40 to /64). The middle IPv4 rule is moved to the middle of the list: that is the
     * one the matching address falls in.
     */
    static List<String> rules(int count, Random random) {
        Set<String> out = new LinkedHashSet<>();
        while (out.size() < count) {
            if (out.size() % 2 == 0) {
                int prefix = 16 + random.nextInt(15);
                int addr = ((11 + random.nextInt(116)) << 24) | (random.nextInt() & 0x00ffffff);
                int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
                int net = addr & mask;
                out.add(((net >>> 24) & 255) + "." + ((net >>> 16) & 255) + "." + ((net >>> 8) & 255) + "."
                        + (net & 255) + "/" + prefix);
            } else {
                int prefix = 40 + random.nextInt(25);
                IPAddress a = new IPAddressString(String.format("2001:db8:%x:%x:%x::/%d", random.nextInt(0x10000),
                        random.nextInt(0x10000), random.nextInt(0x10000), prefix)).getAddress();
                out.add(a.toPrefixBlock().toCanonicalString());
            }
        }
        List<String> list = new ArrayList<>(out);
        int v4Middle = (count / 2) & ~1; // even indexes are IPv4
        list.add(count / 2, list.remove(v4Middle));
        return list;
    }

    /** An address inside the IPv4 rule in the middle of the list (its network address + 1). */
    static String matchingAddress(List<String> rules) {
        String rule = rules.get(rules.size() / 2);
        IPAddress block = new IPAddressString(rule).getAddress();
        return block.getLower().withoutPrefixLength().increment(1).toCanonicalString();
    }

    /**
     * The first address after the middle rule's block that no rule holds: a near miss, sharing a long prefix
     * with stored rules, so the lookup works as hard as for a match (an address far from every rule could leave
     * it at the first step and flatter it).
     */
    static String missingAddress(List<String> rules, CidrSet set) {
        IPAddress a = new IPAddressString(rules.get(rules.size() / 2)).getAddress().getUpper().withoutPrefixLength();
        do {
            a = a.increment(1);
        } while (set.contains(a));
        return a.toCanonicalString();
    }

    @Benchmark
    public boolean trie() {
        return trie.contains(client);
    }

    @Benchmark
    public boolean linearScan() {
        return linearContains(linear, client);
    }

    static boolean linearContains(List<IPAddress> ranges, IPAddress client) {
        for (int i = 0, n = ranges.size(); i < n; i++) {
            if (ranges.get(i).contains(client)) {
                return true;
            }
        }
        return false;
    }
}
