package dev.latchkey.core.internal.authn;

import dev.latchkey.spi.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Where the hot path's store reads run: a few threads of their own and a bounded queue, so a hanging store holds
 * at most those threads, and a request waits for its read at most {@code storeWait} before it is refused as
 * {@code STORE_UNAVAILABLE}. The request threads of the host are never the ones stuck in the store.
 *
 * <p>A read that fails (or is given up) completes its future with a {@link Failed}, which {@link #await} unwraps:
 * the token cache keeps these futures in a Caffeine async cache, which logs every exceptionally completed load at
 * WARNING with its stack trace, except cancellations. Without the wrapper a store that is down would write a
 * stack trace per request (issue 18).
 */
public final class StoreBulkhead {
    /** Store reads in flight at once; more wait in the queue. */
    public static final int THREADS = 8;
    /** Reads waiting for a thread; beyond this a request is refused at once (the store is not keeping up). */
    static final int QUEUE = 1024;

    private final long waitNanos;
    private final Duration wait;
    private final ThreadPoolExecutor pool;

    public StoreBulkhead(Duration wait) {
        this.wait = wait;
        this.waitNanos = wait.toNanos();
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "latchkey-store-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // idle engines (and the many in tests) hold no threads
        pool.allowCoreThreadTimeOut(true);
    }

    /** Starts {@code read} on the bulkhead; a full bulkhead gives a future already failed as unavailable. */
    public <T> CompletableFuture<T> start(Supplier<T> read) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                if (f.isDone()) {
                    return; // every waiter gave up before a thread was free: spare the store the read
                }
                try {
                    f.complete(read.get());
                } catch (Throwable e) {
                    f.completeExceptionally(new Failed(e));
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new Failed(new StoreUnavailableException("too many store reads are waiting (" + QUEUE
                    + "); the store is not keeping up", e)));
        }
        return f;
    }

    /**
     * How a failed read completes its future: a cancellation (which Caffeine does not log) carrying the real
     * failure as its cause.
     */
    static final class Failed extends CancellationException {
        private static final long serialVersionUID = 1L;

        Failed(Throwable cause) {
            super(String.valueOf(cause));
            initCause(cause);
        }
    }

    /**
     * Waits at most the store wait for {@code f}. On time-out the future is failed (later waiters of the same
     * future give up at once instead of queueing behind a read that hangs).
     *
     * @throws StoreUnavailableException when the read failed or did not finish within the wait
     */
    public <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.completeExceptionally(new Failed(new StoreUnavailableException("the store did not answer within " + wait)));
            throw new StoreUnavailableException("the store did not answer within " + wait + " (storeWait)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the store", e);
        } catch (Failed | ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new StoreUnavailableException("the store read failed: " + c, c);
        }
    }

    /** Runs {@code read} on the bulkhead and waits for it at most the store wait. */
    public <T> T call(Supplier<T> read) {
        return await(start(read));
    }

    /** Threads now running a store read (blocked ones included), for tests and diagnostics. */
    public int active() {
        return pool.getActiveCount();
    }

    public void close() {
        pool.shutdownNow();
    }
}
