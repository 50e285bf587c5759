package dev.latchkey.spring.boot;

import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.TokenStore;
import dev.latchkey.spring.LatchkeyMetricsSource;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health of Latchkey: the store answers (a policy read, timed) and, on a cluster node whose engine
 * exposes it, the change feed is trusted. Down when the store fails (tokens are then refused with 503) or the node
 * stopped trusting its caches. The details never hold a token or a connection string.
 */
public final class LatchkeyHealthIndicator implements HealthIndicator {
    private final TokenStore store;
    private final LatchkeyMetricsSource source;

    /** Health of {@code store} and of what {@code source} knows of the change feed. */
    public LatchkeyHealthIndicator(TokenStore store, LatchkeyMetricsSource source) {
        this.store = Objects.requireNonNull(store, "store");
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public Health health() {
        long start = System.nanoTime();
        Health.Builder b = Health.up();
        try {
            if (store instanceof PolicyStore policies) {
                policies.loadPolicy();
            } else {
                store.findById("latchkey-health-probe"); // a store for one node keeps no policy: one indexed read
            }
        } catch (RuntimeException e) {
            b.down().withDetail("storeError", e.getClass().getName());
        }
        b.withDetail("store", store.getClass().getSimpleName())
                .withDetail("storeLatencyMillis", (System.nanoTime() - start) / 1_000_000)
                .withDetail("auditDropped", source.refusalStats().auditDropped());
        source.clusterState().ifPresent(c -> {
            b.withDetail("changeFeed", c.mode()).withDetail("changeFeedTrusted", c.trusted())
                    .withDetail("changeFeedLagMillis", c.lag().toMillis());
            if (!c.trusted()) {
                b.down();
            }
        });
        return b.build();
    }
}
