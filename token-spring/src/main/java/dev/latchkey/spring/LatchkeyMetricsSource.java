package dev.latchkey.spring;

import dev.latchkey.core.ClusterState;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.LatchkeyStats;
import dev.latchkey.core.RefusalStats;
import java.util.Objects;

/**
 * What the metrics and the health indicator read from a running engine, each call a fresh snapshot. The default
 * ({@link #of(Latchkey, LatchkeyCounters)}) reads the engine's own accessors; a host can provide a bean of its own
 * (e.g. to publish several engines).
 */
public interface LatchkeyMetricsSource {

    /**
     * The refusal path's counters.
     *
     * @return refusals, rate limiting, the audit queue and audit-sink failures
     */
    RefusalStats refusalStats();

    /**
     * The counters of the Spring side.
     *
     * @return decisions by outcome and refusals by reason
     */
    LatchkeyCounters counters();

    /**
     * The token cache's and the hot path's store-read counters.
     *
     * @return hits, misses, store reads, their failures and time
     */
    LatchkeyStats stats();

    /**
     * This node's view of its cluster.
     *
     * @return mode, cache trust, change-feed lag and bound, live nodes
     */
    ClusterState clusterState();

    /**
     * The source over {@code latchkey}'s accessors and {@code counters}.
     *
     * @param latchkey the engine
     * @param counters the Spring side's counters
     * @return the source
     */
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

            @Override
            public LatchkeyStats stats() {
                return latchkey.stats();
            }

            @Override
            public ClusterState clusterState() {
                return latchkey.clusterState();
            }
        };
    }
}
