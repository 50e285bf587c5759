package dev.latchkey.benchmarks.core;

import dev.latchkey.core.Decision;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot path ({@link HotPathBenchmark#engine}) as throughput with one and with two threads sharing one
 * engine and one token, as request threads share them in a host. JMH reports the sum over threads, in
 * operations per second. Two methods rather than {@code -t}, so both land in one run with stable names.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ConcurrencyBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class ConcurrencyBenchmark {

    @Benchmark
    @Threads(1)
    public Decision threads1(HotPathState s) {
        return s.authenticator.authenticate(s.valid, s.request);
    }

    @Benchmark
    @Threads(2)
    public Decision threads2(HotPathState s) {
        return s.authenticator.authenticate(s.valid, s.request);
    }
}
