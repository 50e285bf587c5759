package dev.latchkey.core.internal.authn;

import dev.latchkey.core.Authenticator;
import dev.latchkey.core.ClusterOptions;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether what this node cached may be trusted: always on a single node; while following the change feed only
 * while the feed was read within the staleness bound. The {@link ChangeFeedFollower} writes it, the
 * {@link TokenCache} reads it, so neither depends on the other for it.
 *
 * <p>Each change of trust is logged once, whichever thread notices it (a request or the follower), never once
 * per request: losing it with the age of the last good poll and the last failure, regaining it with how long it
 * was lost.
 */
public final class CacheTrust {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    private final Clock clock;
    private volatile long boundMillis; // negative: single node, always trusted
    private volatile long lastSyncMillis;
    private volatile boolean lost;
    /**
     * Why the feed could not be read since the last good poll. Reset by every good poll, so a later loss of trust
     * never reports the cause of an earlier one: when a request notices the bound has passed before the stuck poll
     * was given up, this is what the line says.
     */
    private static final String NO_FAILURE_YET = "no poll has failed since the last good one, and none has finished "
            + "within the bound (the store is slow or not answering)";
    private volatile String lastFailure = NO_FAILURE_YET;
    private volatile long lostSinceMillis;
    private final AtomicBoolean untrusted = new AtomicBoolean();

    public CacheTrust(Clock clock, Optional<ClusterOptions> cluster) {
        this.clock = clock;
        this.boundMillis = cluster.map(c -> c.stalenessBound().toMillis()).orElse(-1L);
        this.lastSyncMillis = clock.millis();
    }

    /** Whether caches may be used now; marks the trust lost when the bound has passed since the last sync. */
    public boolean trusted() {
        return boundMillis < 0 || trusted(clock.millis());
    }

    /**
     * {@link #trusted()} at {@code now}, a time the caller has just read from the engine's clock (the hot path
     * reads it once per decision).
     *
     * @param now milliseconds of the engine's clock
     * @return whether caches may be used at that time
     */
    public boolean trusted(long now) {
        long bound = boundMillis;
        if (bound < 0) {
            return true;
        }
        long age = now - lastSyncMillis;
        if (age > bound) {
            lost = true;
            if (untrusted.compareAndSet(false, true)) {
                lostSinceMillis = now;
                LOG.warn("cache trust lost: the change feed was last read {} ms ago (bound {} ms); cause: {}; every token "
                        + "request reads the store until a poll succeeds", age, bound, lastFailure);
            }
            return false;
        }
        return true;
    }

    /** From now on caches are trusted only while the feed is read within {@code boundMillis}. */
    public void follow(long boundMillis, long syncedMillis) {
        this.lastSyncMillis = syncedMillis;
        this.boundMillis = boundMillis;
    }

    /** Whether this node follows the change feed (caches trusted only within the bound). */
    public boolean following() {
        return boundMillis >= 0;
    }

    /** Milliseconds since the feed was last read completely (0 on a single node). */
    public long lagMillis() {
        return boundMillis < 0 ? 0 : Math.max(0, clock.millis() - lastSyncMillis);
    }

    public long boundMillis() {
        return boundMillis;
    }

    /** Everything committed before {@code millis} has been read from the feed. */
    public void synced(long millis) {
        if (millis > lastSyncMillis) {
            lastSyncMillis = millis;
        }
        lastFailure = NO_FAILURE_YET;
        if (untrusted.get() && clock.millis() - lastSyncMillis <= boundMillis && untrusted.compareAndSet(true, false)) {
            LOG.info("cache trust regained: the change feed was read again after {} ms without trust",
                    Math.max(0, clock.millis() - lostSinceMillis));
        }
    }

    /** Why the last poll failed, for the line that reports the trust lost. */
    public void failed(String cause) {
        lastFailure = cause;
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
