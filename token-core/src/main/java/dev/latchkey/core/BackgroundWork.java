package dev.latchkey.core;

import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.core.internal.authn.LastUseRecorder;
import dev.latchkey.core.internal.cluster.ChangeFeedFollower;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's one small background thread: last-use flushing and the refusal path's upkeep. (The
 * {@link ChangeFeedFollower} polls on threads of its own, so a slow last-use write never delays a poll.) {@link #close()} stops it and writes what is pending.
 */
final class BackgroundWork {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    private final LastUseRecorder lastUse;
    private final Auditor auditor;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();

    BackgroundWork(EngineSettings s, LastUseRecorder lastUse, Auditor auditor) {
        this.lastUse = lastUse;
        this.auditor = auditor;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "latchkey-engine");
            t.setDaemon(true);
            return t;
        });
        long flushMs = s.lastUseFlushInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::flushQuietly, flushMs, flushMs, TimeUnit.MILLISECONDS);
        long tickMs = Math.min(1000, s.refusals().window().toMillis());
        scheduler.scheduleWithFixedDelay(this::tickQuietly, tickMs, tickMs, TimeUnit.MILLISECONDS);
    }

    private void flushQuietly() {
        try {
            lastUse.flush();
        } catch (RuntimeException e) {
            LOG.warn("last-use flush failed: {}", e.toString());
        }
    }

    private void tickQuietly() {
        try {
            auditor.tick();
        } catch (RuntimeException e) {
            LOG.warn("refusal-path upkeep failed: {}", e.toString());
        }
    }

    /** Stops the thread, then writes pending last uses and every queued audit event. Idempotent. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lastUse.flushFinal(); // never throws; a failed write is logged as final, with the count lost
            // the open window's counts and everything queued reach the sink before close() returns
            auditor.close();
        }
    }
}
