package dev.latchkey.core.internal.authn;

import dev.latchkey.core.LatchkeyStats;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What {@link TokenCache} counts for metrics: hits, misses and the store reads a miss makes. A cache hit costs one
 * uncontended {@link LongAdder} increment; the clock is read only around store reads, on the store's threads.
 */
final class HotPathCounters {
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder readNanos = new LongAdder();

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    /** {@code read}, a store read for one token lookup, timed and counted whether it returns or throws. */
    <T> T timedRead(Supplier<T> read) {
        long start = System.nanoTime();
        boolean ok = false;
        try {
            T found = read.get();
            ok = true;
            return found;
        } finally {
            readNanos.add(System.nanoTime() - start);
            reads.increment();
            if (!ok) {
                failures.increment();
            }
        }
    }

    LatchkeyStats snapshot() {
        return new LatchkeyStats(hits.sum(), misses.sum(), reads.sum(), failures.sum(),
                Duration.ofNanos(readNanos.sum()));
    }
}
