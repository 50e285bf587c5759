package dev.latchkey.benchmarks.core;

import dev.latchkey.benchmarks.Scenario;
import dev.latchkey.bitbucket.BitbucketRequestClassifier;
import dev.latchkey.core.RequestFacts;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Load-resistant evidence beside {@link ClassifierBenchmark}, for a machine shared with other work: both rivals
 * ({@link LegacyBitbucketClassifier} and {@link BitbucketRequestClassifier}) in one JVM, in alternating batches of
 * {@code n} calls per request, each batch timed in the thread's CPU time (time the thread was not on a CPU does not
 * count, unlike JMH's wall clock). Prints, per rival and request, the minimum and the median of the last half of
 * the rounds in ns per call.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.latchkey.benchmarks.core.ClassifierDriver 40 200000}
 * (40 rounds of 200,000 calls each).
 */
public final class ClassifierDriver {
    private static final RequestFacts[] REQUESTS = {
        Scenario.REQUEST,
        RequestFacts.of("POST", "/rest/api/1.0/projects/DEMO/repos/demo-repo/pull-requests/12/comments",
                Scenario.CLIENT_IP),
        RequestFacts.of("POST", "/scm/DEMO/demo-repo.git/git-upload-pack", Scenario.CLIENT_IP),
    };
    private static final String[] NAMES = {"restRead", "restComment", "git"};

    private ClassifierDriver() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ClassifierDriver ROUNDS N");
        }
        int rounds = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        LegacyBitbucketClassifier legacy = new LegacyBitbucketClassifier();
        BitbucketRequestClassifier current = new BitbucketRequestClassifier();
        List<List<Double>> times = new ArrayList<>();
        for (int i = 0; i < 2 * REQUESTS.length; i++) {
            times.add(new ArrayList<>());
        }
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            for (int q = 0; q < REQUESTS.length; q++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                sink += legacy(legacy, REQUESTS[q], n);
                long t1 = cpu.getCurrentThreadCpuTime();
                sink += current(current, REQUESTS[q], n);
                long t2 = cpu.getCurrentThreadCpuTime();
                times.get(2 * q).add((t1 - t0) / (double) n);
                times.get(2 * q + 1).add((t2 - t1) / (double) n);
            }
        }
        for (int q = 0; q < REQUESTS.length; q++) {
            for (int k = 0; k < 2; k++) {
                List<Double> all = times.get(2 * q + k);
                List<Double> late = new ArrayList<>(all.subList(rounds / 2, rounds));
                Collections.sort(late);
                System.out.printf(Locale.ROOT, "%-8s %-12s min %7.1f  median %7.1f  ns/call (CPU)%n",
                        k == 0 ? "legacy" : "current", NAMES[q], Collections.min(all), late.get(late.size() / 2));
            }
        }
        System.out.println("sink " + sink);
    }

    private static long legacy(LegacyBitbucketClassifier c, RequestFacts f, int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += c.classify(f).level().ordinal();
        }
        return s;
    }

    private static long current(BitbucketRequestClassifier c, RequestFacts f, int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += c.classify(f).level().ordinal();
        }
        return s;
    }
}
