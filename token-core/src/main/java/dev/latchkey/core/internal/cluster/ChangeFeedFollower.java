package dev.latchkey.core.internal.cluster;

import dev.latchkey.core.Authenticator;
import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.authn.CacheTrust;
import dev.latchkey.core.internal.authn.TokenCache;
import dev.latchkey.core.internal.policy.PolicyHolder;
import dev.latchkey.spi.ChangeEvent;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the store's change feed on a cluster node: reads it every poll interval from a cursor, invalidates
 * what other nodes changed, waits out (then skips) gaps of uncommitted sequences, prunes old events and keeps
 * the {@link CacheTrust} that tells the hot path whether its caches may be used.
 *
 * @since 0.1
 */
public final class ChangeFeedFollower {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    private static final int FEED_BATCH = 1000;

    private final EngineSettings s;
    private final ClusterOptions c;
    private final CacheTrust trust;
    private final TokenCache cache;
    private final PolicyHolder policy;
    // touched only by the single scheduler thread (and pollNow() in tests), under this object's lock
    private long feedCursor;
    private final TreeSet<Long> seenAboveCursor = new TreeSet<>();
    private long gapSinceMillis = -1;
    private long lastPruneMillis;

    public ChangeFeedFollower(EngineSettings s, CacheTrust trust, TokenCache cache, PolicyHolder policy) {
        this.s = s;
        this.c = s.cluster().orElseThrow();
        this.trust = trust;
        this.cache = cache;
        this.policy = policy;
        this.feedCursor = s.store().latestChangeSequence();
        long now = s.clock().millis();
        trust.synced(now);
        this.lastPruneMillis = now;
    }

    /** Polls on the engine's background thread every poll interval. */
    public void schedule(ScheduledExecutorService scheduler) {
        long pollMs = c.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::pollQuietly, pollMs, pollMs, TimeUnit.MILLISECONDS);
    }

    private void pollQuietly() {
        try {
            pollNow();
        } catch (RuntimeException e) {
            LOG.warn("change-feed poll failed; caches are trusted for at most the staleness bound: {}", e.toString());
        }
    }

    /**
     * One poll of the change feed. Sequences may commit out of order (concurrent transactions), so the cursor
     * only advances over a contiguous run; a gap is waited for (re-reading what lies beyond it, which is
     * harmless: invalidation is idempotent) until it is older than a few polls, then skipped (a rolled-back
     * transaction leaves a permanent gap).
     */
    public synchronized void pollNow() {
        long started = s.clock().millis();
        if (trust.takeLost()) {
            // we may have missed anything while we could not read the feed
            cache.invalidateAll();
        }
        boolean policyChanged = false;
        boolean caughtUp = false;
        for (int round = 0; round < 100 && !caughtUp; round++) {
            List<ChangeEvent> events = s.store().changesSince(feedCursor, FEED_BATCH);
            policyChanged |= apply(events, started);
            caughtUp = events.size() < FEED_BATCH;
        }
        if (policyChanged) {
            policy.reload();
        }
        if (!caughtUp) {
            LOG.warn("the change feed has a backlog of over {} events; caches stay untrusted until it is read", 100 * FEED_BATCH);
            return;
        }
        // trust only what was committed before this poll started
        trust.synced(started);
        if (started - lastPruneMillis > Math.min(60_000, c.changeRetention().toMillis())) {
            lastPruneMillis = started;
            s.store().pruneChanges(Instant.ofEpochMilli(started).minus(c.changeRetention()));
        }
    }

    private boolean apply(List<ChangeEvent> events, long started) {
        boolean policyChanged = false;
        for (ChangeEvent e : events) {
            if (e.type() == ChangeEvent.Type.TOKEN) {
                cache.invalidate(e.digest().orElseThrow());
            } else {
                policyChanged = true;
            }
            seenAboveCursor.add(e.sequence());
        }
        long gapTimeout = Math.max(5_000, c.pollInterval().toMillis() * 10);
        while (!seenAboveCursor.isEmpty()) {
            long next = seenAboveCursor.first();
            if (next <= feedCursor) {
                seenAboveCursor.pollFirst();
            } else if (next == feedCursor + 1) {
                feedCursor = next;
                seenAboveCursor.pollFirst();
                gapSinceMillis = -1;
            } else {
                if (gapSinceMillis < 0) {
                    gapSinceMillis = started;
                } else if (started - gapSinceMillis > gapTimeout) {
                    feedCursor = next - 1; // the gap is permanent
                    gapSinceMillis = -1;
                    continue;
                }
                break;
            }
        }
        if (seenAboveCursor.size() > 100_000) {
            // a pathological feed: never grow without bound; re-reading from the cursor is always safe
            seenAboveCursor.clear();
        }
        return policyChanged;
    }
}
