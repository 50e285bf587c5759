package dev.latchkey.core.internal.authn;

import dev.latchkey.core.ClusterOptions;
import java.time.Clock;
import java.util.Optional;

/**
 * Whether what this node cached may be trusted: always on a single node; in a cluster only while the change
 * feed was read within the staleness bound. The {@link ChangeFeedFollower} writes it, the {@link TokenCache}
 * reads it, so neither depends on the other for it.
 *
 * @since 0.1
 */
public final class CacheTrust {
    private final Clock clock;
    private final long boundMillis; // negative: single node, always trusted
    private volatile long lastSyncMillis;
    private volatile boolean lost;

    public CacheTrust(Clock clock, Optional<ClusterOptions> cluster) {
        this.clock = clock;
        this.boundMillis = cluster.map(c -> c.stalenessBound().toMillis()).orElse(-1L);
        this.lastSyncMillis = clock.millis();
    }

    /** Whether caches may be used now; marks the trust lost when the bound has passed since the last sync. */
    public boolean trusted() {
        if (boundMillis < 0) {
            return true;
        }
        if (clock.millis() - lastSyncMillis > boundMillis) {
            lost = true;
            return false;
        }
        return true;
    }

    /** Everything committed before {@code millis} has been read from the feed. */
    public void synced(long millis) {
        lastSyncMillis = millis;
    }

    /** Whether trust was lost since the last call (and resets it): the caches must be emptied. */
    public boolean takeLost() {
        if (lost) {
            lost = false;
            return true;
        }
        return false;
    }
}
