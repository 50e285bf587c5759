package dev.latchkey.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How a node keeps its caches in step with other nodes sharing the store.
 *
 * <p>The node polls the store's change feed every {@code pollInterval}. The {@code stalenessBound} is a
 * guarantee: a change made on any node is honoured here within the bound, because a node whose last
 * successful poll is older than the bound stops trusting its caches and reads the store on every request
 * (refusing with "store unavailable" when that fails). Directory answers are cached at most that long.
 *
 * @param stalenessBound   the most time a change may take to apply here (default 2 s)
 * @param pollInterval     how often to poll the feed (default 500 ms; at most half the bound)
 * @param changeRetention  how long change events are kept before pruning (default 1 hour)
 *
 * @since 0.1
 */
public record ClusterOptions(Duration stalenessBound, Duration pollInterval, Duration changeRetention) {
    /**
     * Checks that the options keep the staleness bound.
     *
     * @param stalenessBound  the most time a change may take to apply here, at least 100 ms
     * @param pollInterval    how often to poll the feed, at least 10 ms and at most half the bound
     * @param changeRetention how long change events are kept, at least ten bounds
     * @throws NullPointerException if an option is null
     * @throws ValidationException  naming the option that breaks its rule
     */
    public ClusterOptions {
        Objects.requireNonNull(stalenessBound, "stalenessBound");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(changeRetention, "changeRetention");
        if (stalenessBound.compareTo(Duration.ofMillis(100)) < 0) {
            throw new ValidationException("stalenessBound", "must be at least 100ms, was " + stalenessBound);
        }
        if (pollInterval.compareTo(Duration.ofMillis(10)) < 0) {
            throw new ValidationException("pollInterval", "must be at least 10ms, was " + pollInterval);
        }
        if (pollInterval.multipliedBy(2).compareTo(stalenessBound) > 0) {
            throw new ValidationException("pollInterval", "the poll interval " + pollInterval
                    + " is more than half the staleness bound " + stalenessBound
                    + "; one missed poll would break the bound. Poll at least twice per bound");
        }
        if (changeRetention.compareTo(stalenessBound.multipliedBy(10)) < 0) {
            throw new ValidationException("changeRetention", "the retention " + changeRetention
                    + " is under ten staleness bounds (" + stalenessBound.multipliedBy(10)
                    + "); a node that pauses briefly would miss changes");
        }
    }

    /**
     * Bound 2 s, poll every 500 ms, keep events for an hour.
     *
     * @return the default options
     */
    public static ClusterOptions defaults() {
        return new ClusterOptions(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofHours(1));
    }

    /**
     * A bound with the poll interval at a quarter of it and the default retention.
     *
     * @param bound the staleness bound, at least 100 ms
     * @return options with that bound, polling every quarter bound, keeping events for an hour or ten bounds if longer
     * @throws NullPointerException if {@code bound} is null
     * @throws ValidationException  if {@code bound} is below 100 ms
     */
    public static ClusterOptions withBound(Duration bound) {
        Duration retention = Duration.ofHours(1);
        if (retention.compareTo(bound.multipliedBy(10)) < 0) {
            retention = bound.multipliedBy(10);
        }
        return new ClusterOptions(bound, bound.dividedBy(4), retention);
    }
}
