package dev.latchkey.spring;

import dev.latchkey.core.Latchkey;
import dev.latchkey.core.RefusalStats;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the metrics and the health indicator read from a running engine. The default
 * ({@link #of(Latchkey, LatchkeyCounters)}) reads what core exposes today; the cache hit ratio and the cluster
 * state are empty until core exposes them, and a host (or a later core) can provide a bean of its own that fills
 * them in.
 */
public interface LatchkeyMetricsSource {

    /** The refusal path's counters (refusals, rate limiting, the audit queue). */
    RefusalStats refusalStats();

    /** Decisions by outcome and refusals by reason. */
    LatchkeyCounters counters();

    /** The token cache's hit ratio (0..1), when the engine exposes it. */
    default OptionalDouble cacheHitRatio() {
        return OptionalDouble.empty();
    }

    /** The change feed's state on this node, when the engine runs as a cluster node and exposes it. */
    default Optional<ClusterState> clusterState() {
        return Optional.empty();
    }

    /**
     * The change-feed state of this node.
     *
     * @param mode      how the node keeps in step (e.g. {@code change-feed}, {@code single-node})
     * @param trusted   whether the node trusts its caches (its last poll is within the staleness bound)
     * @param lag       how far behind the feed this node is
     * @param liveNodes nodes seen alive recently (-1 when unknown)
     */
    record ClusterState(String mode, boolean trusted, Duration lag, int liveNodes) {
        public ClusterState {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(lag, "lag");
        }
    }

    /** The source over {@code latchkey}'s public accessors and {@code counters}. */
    static LatchkeyMetricsSource of(Latchkey latchkey, LatchkeyCounters counters) {
        Objects.requireNonNull(latchkey, "latchkey");
        Objects.requireNonNull(counters, "counters");
        return new LatchkeyMetricsSource() {
            @Override
            public RefusalStats refusalStats() {
                return latchkey.refusalStats();
            }

            @Override
            public LatchkeyCounters counters() {
                return counters;
            }
        };
    }
}
