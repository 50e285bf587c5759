package dev.latchkey.core.internal.cluster;

import dev.latchkey.core.Authenticator;
import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.authn.CacheTrust;
import dev.latchkey.core.internal.authn.TokenCache;
import dev.latchkey.core.internal.policy.PolicyHolder;
import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.ChangeFeed;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the store's change feed on a cluster node: reads it every poll interval (or at once when woken) from a
 * cursor, invalidates what other nodes changed, waits out (then skips) gaps of uncommitted sequences, prunes old
 * events and keeps the {@link CacheTrust} that tells the hot path whether its caches may be used.
 *
 * <p>A poll cannot stick: it runs on a worker thread of its own and is given the staleness bound; one that has
 * not finished by then is abandoned (its thread interrupted and replaced, whatever it reads later discarded), and
 * the next poll starts at once. So a frozen connection costs at most one bound, and the node trusts its caches
 * again as soon as a poll succeeds.
 */
public final class ChangeFeedFollower {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    private static final int FEED_BATCH = 1000;

    private final EngineSettings s;
    private final ChangeFeed feed;
    private final ClusterOptions c;
    private final CacheTrust trust;
    private final TokenCache cache;
    private final PolicyHolder policy;
    // the cursor and the gap state are touched under this object's lock, and only by the poll of the current
    // generation: an abandoned poll that wakes up later changes nothing
    private long feedCursor;
    private final TreeSet<Long> seenAboveCursor = new TreeSet<>();
    private long gapSinceMillis = -1;
    private long lastPruneMillis;
    private volatile long generation;

    // at most one pending wake-up: signals while a poll runs fold into one poll right after it
    private final BlockingQueue<Object> wakeUps = new ArrayBlockingQueue<>(1);
    private final AtomicInteger workerCount = new AtomicInteger();
    private volatile boolean running;
    private volatile Thread driver;
    private ExecutorService worker;
    private boolean failing;
    private boolean lagging;

    public ChangeFeedFollower(EngineSettings s, ChangeFeed feed, ClusterOptions c, CacheTrust trust, TokenCache cache,
                              PolicyHolder policy) {
        this.s = s;
        this.feed = feed;
        this.c = c;
        this.trust = trust;
        this.cache = cache;
        this.policy = policy;
        this.feedCursor = feed.latestChangeSequence();
        this.lastPruneMillis = s.clock().millis();
        trust.follow(c.stalenessBound().toMillis(), lastPruneMillis);
    }

    /** Starts polling on a thread of its own, every poll interval and whenever {@link #wake()} is called. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        worker = newWorker();
        Thread t = new Thread(this::drive, "latchkey-feed");
        t.setDaemon(true);
        driver = t;
        t.start();
    }

    /** Asks for a poll now, or right after the one running; never blocks, never polls on the caller's thread. */
    public void wake() {
        wakeUps.offer(Boolean.TRUE);
    }

    public void close() {
        running = false;
        Thread t = driver;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (worker != null) {
                worker.shutdownNow();
            }
        }
    }

    private ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "latchkey-feed-poll-" + workerCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private void drive() {
        long pollMs = c.pollInterval().toMillis();
        long deadlineMs = c.stalenessBound().toMillis();
        while (running) {
            try {
                wakeUps.poll(pollMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (!running) {
                return;
            }
            long gen = generation;
            ExecutorService w;
            synchronized (this) {
                w = worker;
            }
            Future<?> poll;
            try {
                poll = w.submit(() -> pollOnce(gen));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return; // closed
            }
            try {
                poll.get(deadlineMs, TimeUnit.MILLISECONDS);
                succeeded();
            } catch (TimeoutException e) {
                abandon(poll, "a change-feed poll did not finish within " + deadlineMs + " ms (store not answering)");
            } catch (java.util.concurrent.ExecutionException e) {
                failed(String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                poll.cancel(true);
                return;
            } catch (RuntimeException e) {
                failed(e.toString());
            }
            watchLag();
        }
    }

    /** The stuck poll is left to finish (or be interrupted) on its own thread; the next poll gets a fresh one. */
    private void abandon(Future<?> poll, String cause) {
        synchronized (this) {
            generation++;
            worker.shutdownNow();
            worker = newWorker();
        }
        poll.cancel(true);
        failed(cause + "; abandoned, polling again on a fresh thread");
        wake(); // retry at once: the bound is already running out
    }

    private void failed(String cause) {
        trust.failed(cause);
        if (!failing) {
            failing = true;
            LOG.warn("change-feed poll failed; caches are trusted for at most the staleness bound: {}", cause);
        } else {
            LOG.debug("change-feed poll failed again: {}", cause);
        }
        trust.trusted(); // reports the loss of trust once, even when no request asks
    }

    private void succeeded() {
        if (failing) {
            failing = false;
            LOG.info("change-feed polls succeed again");
        }
    }

    private void watchLag() {
        long lag = trust.lagMillis();
        long half = c.stalenessBound().toMillis() / 2;
        if (lag > half && !lagging) {
            lagging = true;
            LOG.warn("change-feed lag {} ms is above half the staleness bound ({} ms)", lag, c.stalenessBound().toMillis());
        } else if (lag <= half && lagging) {
            lagging = false;
            LOG.info("change-feed lag back under half the staleness bound ({} ms)", lag);
        }
    }

    /** One poll on the caller's thread (tests; the running follower polls on its own). */
    public void pollNow() {
        pollOnce(generation);
    }

    /**
     * One poll of the change feed. Sequences may commit out of order (concurrent transactions), so the cursor
     * only advances over a contiguous run; a gap is waited for (re-reading what lies beyond it, which is
     * harmless: invalidation is idempotent) until it is older than a few polls, then skipped (a rolled-back
     * transaction leaves a permanent gap). The store is read outside the lock, so an abandoned poll that hangs
     * in the store holds nothing the next poll needs.
     */
    private void pollOnce(long gen) {
        long started = s.clock().millis();
        long cursor;
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            if (trust.takeLost()) {
                // we may have missed anything while we could not read the feed
                cache.invalidateAll();
            }
            cursor = feedCursor;
        }
        boolean policyChanged = false;
        boolean caughtUp = false;
        for (int round = 0; round < 100 && !caughtUp; round++) {
            List<ChangeEvent> events = feed.changesSince(cursor, FEED_BATCH);
            synchronized (this) {
                if (gen != generation) {
                    return;
                }
                policyChanged |= apply(events, started);
                cursor = feedCursor;
            }
            caughtUp = events.size() < FEED_BATCH;
        }
        if (policyChanged) {
            policy.reload();
        }
        if (!caughtUp) {
            LOG.warn("the change feed has a backlog of over {} events; caches stay untrusted until it is read", 100 * FEED_BATCH);
            return;
        }
        boolean prune;
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            // trust only what was committed before this poll started
            trust.synced(started);
            prune = started - lastPruneMillis > Math.min(60_000, c.changeRetention().toMillis());
            if (prune) {
                lastPruneMillis = started;
            }
        }
        if (prune) {
            feed.pruneChanges(Instant.ofEpochMilli(started).minus(c.changeRetention()));
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
