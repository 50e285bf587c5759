package dev.latchkey.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Counters of the hot path's token cache and of the store reads it makes, since the engine started
 * ({@link Latchkey#stats()}): for metrics. A snapshot; each field is read separately, so they need not add up
 * exactly. Together with {@link Latchkey#refusalStats()} and {@link Latchkey#clusterState()} it is everything a
 * metrics adapter publishes; none of them is a metrics library's type.
 *
 * @param cacheHits         token lookups answered from the cache (a cached record, or a digest cached as unknown)
 * @param cacheMisses       token lookups that waited for a store read: not cached, or the cache not trusted
 *                          (the change feed was not read within the bound)
 * @param storeReads        store reads made for token lookups that finished, successfully or not (several
 *                          concurrent misses of one digest share one read; while the cache is not trusted, one
 *                          read is the policy and the token together)
 * @param storeReadFailures those of {@code storeReads} that failed
 * @param storeReadTime     the time {@code storeReads} took in total, measured around the store call (waiting for a
 *                          free read thread not included); a read that never returns is counted when it does
 *
 * @since 0.1
 */
public record LatchkeyStats(long cacheHits, long cacheMisses, long storeReads, long storeReadFailures,
                            Duration storeReadTime) {
    /**
     * Checks the components.
     *
     * @param cacheHits         token lookups answered from the cache
     * @param cacheMisses       token lookups that waited for a store read
     * @param storeReads        store reads made for token lookups that finished
     * @param storeReadFailures those of {@code storeReads} that failed
     * @param storeReadTime     the time {@code storeReads} took in total
     * @throws NullPointerException if {@code storeReadTime} is null
     */
    public LatchkeyStats {
        Objects.requireNonNull(storeReadTime, "storeReadTime");
    }

    /**
     * The share of token lookups answered from the cache.
     *
     * @return {@code cacheHits / (cacheHits + cacheMisses)}, or {@code NaN} before the first lookup
     */
    public double cacheHitRatio() {
        long lookups = cacheHits + cacheMisses;
        return lookups == 0 ? Double.NaN : (double) cacheHits / lookups;
    }
}
