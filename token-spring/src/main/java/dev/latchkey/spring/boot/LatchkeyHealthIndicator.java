package dev.latchkey.spring.boot;

import dev.latchkey.core.ClusterState;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.TokenStore;
import dev.latchkey.spring.LatchkeyMetricsSource;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Actuator health of Latchkey ({@code /actuator/health/latchkey}): whether the store answers (a policy read, timed)
 * and what this node knows of its cluster ({@code Latchkey.clusterState()}).
 *
 * <ul>
 *   <li>{@link Status#DOWN} when the store read fails: token requests this node has not cached are refused with
 *       503.</li>
 *   <li>{@link Status#OUT_OF_SERVICE} when the store answers but this node lost trust in its caches (the change
 *       feed was not read within the staleness bound): every token request reads the store until a poll
 *       succeeds.</li>
 *   <li>{@link Status#UP} otherwise, with a {@code warning} detail when the node was declared single-node but other
 *       nodes write to the same store (it follows the change feed anyway), or when the lag is above half the
 *       bound.</li>
 * </ul>
 * Details: {@code store}, {@code storeLatencyMillis}, {@code node}, {@code mode}, {@code trusted},
 * {@code lagMillis} (the age of the last complete read of the change feed: the last good poll), {@code boundMillis},
 * {@code liveNodes}, {@code auditDropped}, {@code auditSinkFailures}. They never hold a token or a connection string.
 * Spring Boot answers 503 for both DOWN and OUT_OF_SERVICE; keep this indicator out of the liveness group (a
 * database outage is no reason to restart the application).
 */
public final class LatchkeyHealthIndicator implements HealthIndicator {
    private final TokenStore store;
    private final LatchkeyMetricsSource source;

    /**
     * Health of {@code store} and of the cluster state {@code source} reports.
     *
     * @param store  the engine's store
     * @param source the engine's counters and cluster state
     */
    public LatchkeyHealthIndicator(TokenStore store, LatchkeyMetricsSource source) {
        this.store = Objects.requireNonNull(store, "store");
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public Health health() {
        long start = System.nanoTime();
        Health.Builder b = Health.up();
        boolean storeOk = true;
        try {
            if (store instanceof PolicyStore policies) {
                policies.loadPolicy();
            } else {
                store.findById("latchkey-health-probe"); // a store for one node keeps no policy: one indexed read
            }
        } catch (RuntimeException e) {
            storeOk = false;
            b.down().withDetail("storeError", e.getClass().getName());
        }
        b.withDetail("store", store.getClass().getSimpleName())
                .withDetail("storeLatencyMillis", (System.nanoTime() - start) / 1_000_000);
        ClusterState c = source.clusterState();
        b.withDetail("node", c.nodeName()).withDetail("mode", c.mode()).withDetail("trusted", c.trusted())
                .withDetail("lagMillis", c.lag().toMillis()).withDetail("boundMillis", c.bound().toMillis())
                .withDetail("liveNodes", c.liveNodes());
        if (storeOk && !c.trusted()) {
            b.outOfService().withDetail("reason", "the change feed was last read " + c.lag().toMillis()
                    + " ms ago, beyond the staleness bound of " + c.bound().toMillis()
                    + " ms: every token request reads the store");
        } else if (c.mode() == ClusterState.Mode.FOLLOWING_DESPITE_SINGLE_NODE) {
            b.withDetail("warning", "declared single-node, but other nodes write to the same store; following the "
                    + "change feed anyway. Remove the single-node declaration");
        } else if (c.trusted() && !c.bound().isZero() && c.lag().compareTo(c.bound().dividedBy(2)) > 0) {
            b.withDetail("warning", "the change-feed lag is above half the staleness bound");
        }
        b.withDetail("auditDropped", source.refusalStats().auditDropped())
                .withDetail("auditSinkFailures", source.refusalStats().auditSinkFailures());
        return b.build();
    }
}
