package dev.latchkey.core.internal.audit;

import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes refusal events off the request thread: a bounded queue that one background thread drains in batches
 * into {@link AuditSink#recordAll}. A full queue never blocks the request: the event is dropped and counted
 * (an attacker must not be able to slow legitimate requests down by making us write). A batch the sink fails to
 * write is counted as lost, not retried: retrying under a flood would only grow the backlog.
 *
 * @since 0.1
 */
public final class AsyncAuditor {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncAuditor.class);
    public static final int BATCH = 500;

    private final AuditSink sink;
    private final BlockingQueue<AuditEvent> queue;
    private final IntervalCounter dropped;
    private final IntervalCounter failures;
    private final AtomicLong written = new AtomicLong();
    /**
     * Events queued and not yet handed to the sink (written or failed). Counted up before an event enters the queue
     * and down after its batch was handed over, so {@link #awaitIdle} cannot return while the drainer holds a
     * batch it took from the queue but has not written yet.
     */
    private final AtomicLong unwritten = new AtomicLong();
    private final Thread drainer;
    private volatile boolean closed;

    public AsyncAuditor(AuditSink sink, int capacity, IntervalCounter dropped, IntervalCounter failures) {
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.dropped = dropped;
        this.failures = failures;
        this.drainer = new Thread(this::drainLoop, "latchkey-audit");
        drainer.setDaemon(true);
        drainer.start();
    }

    /** Queues an event; never blocks. Returns false (and counts it) when the queue is full. */
    public boolean offer(AuditEvent event) {
        if (closed) {
            // after close() nothing drains any more: write it here (rare: a request racing the shutdown)
            write(List.of(event));
            return true;
        }
        unwritten.incrementAndGet();
        if (queue.offer(event)) {
            return true;
        }
        unwritten.decrementAndGet();
        dropped.add(1, "the audit queue is full; the sink is slower than the refusals arrive");
        return false;
    }

    private void drainLoop() {
        List<AuditEvent> batch = new ArrayList<>(BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                AuditEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } finally {
                unwritten.addAndGet(-batch.size());
                batch.clear();
            }
        }
    }

    private void write(List<AuditEvent> batch) {
        try {
            sink.recordAll(List.copyOf(batch));
            written.addAndGet(batch.size());
        } catch (RuntimeException e) {
            failures.add(batch.size(), e.toString());
        }
    }

    /** Stops accepting into the queue and writes everything queued before returning (bounded wait). */
    public void close(long waitMillis) {
        closed = true;
        try {
            drainer.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (drainer.isAlive()) {
            drainer.interrupt();
            LOG.warn("the audit queue was not drained within {} ms; {} refusal events were not written",
                    waitMillis, queue.size());
            return;
        }
        // anything offered between the drainer's last look and closed=true
        List<AuditEvent> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            write(rest);
            unwritten.addAndGet(-rest.size());
        }
    }

    /** Waits until everything queued so far was handed to the sink (tests, and hosts flushing on demand). */
    public boolean awaitIdle(long waitMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (unwritten.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    public int queued() {
        return queue.size();
    }

    public long written() {
        return written.get();
    }

    public long dropped() {
        return dropped.total();
    }
}
