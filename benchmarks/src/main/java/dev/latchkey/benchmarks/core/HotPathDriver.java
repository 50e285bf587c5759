package dev.latchkey.benchmarks.core;

import dev.latchkey.benchmarks.TokenText;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Load-resistant evidence beside {@link HotPathBenchmark}, for a machine shared with other work: the engine's full
 * decision ({@code HotPathBenchmark.engine}) and the floor ({@code HotPathBenchmark.floor}: SHA-256 and one map
 * lookup) in one JVM, in alternating batches of {@code n} calls, each batch timed in the thread's CPU time. Prints
 * per round ns per call (CPU) of both and their ratio; then the minimum and the median of the last half of the
 * rounds. The floor does not change between versions of Latchkey, so the ratio engine / floor compares two builds
 * run at different moments of a loaded machine better than either number alone.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.latchkey.benchmarks.core.HotPathDriver 16 500000}.
 * The source compiles against older builds of the benchmarks module too (it only uses {@link HotPathState}'s
 * fields), which is how the baseline is measured: compile it against that build's jar and put it first on the
 * class path.
 */
public final class HotPathDriver {
    private HotPathDriver() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: HotPathDriver ROUNDS N");
        }
        int rounds = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        HotPathState s = new HotPathState();
        s.setUp();
        MessageDigest sha256 = TokenText.sha256();
        List<Double> engine = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        long sink = 0;
        try {
            for (int r = 0; r < rounds; r++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    sink += s.authenticator.authenticate(s.valid, s.request) == null ? 0 : 1;
                }
                long t1 = cpu.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    Object hit = s.floorMap.get(TokenText.sha256Hex(sha256, s.token));
                    sink += hit == null ? 0 : 1;
                }
                long t2 = cpu.getCurrentThreadCpuTime();
                double e = (t1 - t0) / (double) n;
                double f = (t2 - t1) / (double) n;
                engine.add(e);
                floor.add(f);
                ratio.add(e / f);
                System.out.printf(Locale.ROOT, "round %2d  engine %7.1f  floor %7.1f  ratio %5.2f%n", r, e, f, e / f);
            }
        } finally {
            s.tearDown();
        }
        print("engine", engine, rounds);
        print("floor", floor, rounds);
        print("ratio", ratio, rounds);
        System.out.println("sink " + sink);
    }

    private static void print(String name, List<Double> all, int rounds) {
        List<Double> late = new ArrayList<>(all.subList(rounds / 2, rounds));
        Collections.sort(late);
        System.out.printf(Locale.ROOT, "%-7s min %8.2f  median of last %d %8.2f%n", name, Collections.min(all),
                late.size(), late.get(late.size() / 2));
    }
}
