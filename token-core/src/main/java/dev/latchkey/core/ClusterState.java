package dev.latchkey.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What this node knows about its cluster, read at one moment ({@link Latchkey#clusterState()}): for health checks
 * and metrics.
 *
 * @param nodeName  this node's name in the store's node registry
 * @param mode      whether this node follows the store's change feed, and why
 * @param trusted   whether the caches are trusted now (always on a single node); false means every token request
 *                  reads the store
 * @param lag       time since the change feed was last read completely (zero on a single node)
 * @param bound     the staleness bound in force (zero on a single node)
 * @param liveNodes the nodes (this one included) that sent a heartbeat recently, sorted; empty when the store
 *                  keeps no node registry
 *
 * @since 0.1
 */
public record ClusterState(String nodeName, Mode mode, boolean trusted, Duration lag, Duration bound,
                           List<String> liveNodes) {
    /**
     * Checks the fields and keeps an immutable copy of {@code liveNodes}.
     *
     * @param nodeName  this node's name
     * @param mode      whether this node follows the change feed, and why
     * @param trusted   whether the caches are trusted now
     * @param lag       time since the change feed was last read completely
     * @param bound     the staleness bound in force
     * @param liveNodes the nodes that sent a heartbeat recently
     * @throws NullPointerException if a field, or an entry of {@code liveNodes}, is null
     */
    public ClusterState {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(lag, "lag");
        Objects.requireNonNull(bound, "bound");
        liveNodes = List.copyOf(liveNodes);
    }

    /** How this node keeps its caches in step with the store. */
    public enum Mode {
        /** Not following the feed: the store is not shared (in memory), or the host declared a single node. */
        SINGLE_NODE,
        /** Following the change feed: configured with {@code cluster(...)}, or by default for a shared store. */
        FOLLOWING,
        /**
         * Declared single-node, but another live node writes to the same store: following the feed anyway, and
         * warning every few minutes until the declaration is fixed.
         */
        FOLLOWING_DESPITE_SINGLE_NODE
    }
}
