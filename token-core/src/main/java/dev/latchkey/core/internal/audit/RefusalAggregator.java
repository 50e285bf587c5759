package dev.latchkey.core.internal.audit;

import dev.latchkey.core.RefusalReason;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * Folds refusals that name no known token (malformed, unknown, rate-limited, store down) into one summary
 * audit event per client address, reason and time window, with the count. A flood of garbage then costs
 * rows in proportion to windows x sources, not to requests. Memory is bounded: past {@code maxKeys} distinct
 * (address, reason) pairs in a window, further addresses are counted in one "other sources" bucket per reason.
 *
 * <p>Windows are aligned to multiples of the window length on the injected clock. A window is closed (its
 * events handed to the sink) by the first refusal after it ends, by the engine's periodic tick, or by
 * {@link #flush()} on close.
 *
 * @since 0.1
 */
public final class RefusalAggregator {
    /** {@code clientIp} null: the bucket of addresses past the cap (no address text can collide with it). */
    private record Key(String clientIp, RefusalReason reason) {
    }

    /** Per key: the count and the first request seen (a sample for whoever reads the audit log). */
    private static final class Tally {
        final LongAdder count = new LongAdder();
        final String method;
        final String path;

        Tally(String method, String path) {
            this.method = method;
            this.path = path;
        }
    }

    private static final class Window {
        final long start;
        final ConcurrentHashMap<Key, Tally> tallies = new ConcurrentHashMap<>();
        final AtomicInteger keys = new AtomicInteger();

        Window(long start) {
            this.start = start;
        }
    }

    private final Clock clock;
    private final long windowMillis;
    private final int maxKeys;
    private final Consumer<AuditEvent> out;
    // the read lock guards adding to the current window, the write lock swapping it: no count is added to a
    // window after its events were made
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile Window current;

    public RefusalAggregator(Clock clock, long windowMillis, int maxKeys, Consumer<AuditEvent> out) {
        this.clock = clock;
        this.windowMillis = windowMillis;
        this.maxKeys = maxKeys;
        this.out = out;
        this.current = new Window(align(clock.millis()));
    }

    private long align(long millis) {
        return millis - Math.floorMod(millis, windowMillis);
    }

    /** Counts one refusal. {@code method} and {@code path} are already safe for the audit log. */
    public void add(String clientIp, RefusalReason reason, String method, String path) {
        long now = clock.millis();
        while (true) {
            ReentrantReadWriteLock.ReadLock read = lock.readLock();
            read.lock();
            try {
                Window w = current;
                if (now < w.start + windowMillis) { // a clock that stepped back stays in this window
                    count(w, clientIp, reason, method, path);
                    return;
                }
            } finally {
                read.unlock();
            }
            roll(now);
        }
    }

    private void count(Window w, String clientIp, RefusalReason reason, String method, String path) {
        Key key = new Key(clientIp, reason);
        Tally t = w.tallies.get(key);
        if (t == null) {
            if (w.keys.get() >= maxKeys) {
                key = new Key(null, reason);
            }
            t = w.tallies.computeIfAbsent(key, k -> {
                w.keys.incrementAndGet();
                return new Tally(method, path);
            });
        }
        t.count.increment();
    }

    /** Closes the current window if it is over (the periodic tick). */
    public void rollIfDue() {
        roll(clock.millis());
    }

    private void roll(long now) {
        Window done;
        ReentrantReadWriteLock.WriteLock write = lock.writeLock();
        write.lock();
        try {
            done = current;
            if (now < done.start + windowMillis && now >= done.start) {
                return; // another thread rolled it already
            }
            current = new Window(align(now));
        } finally {
            write.unlock();
        }
        emit(done, done.start + windowMillis);
    }

    /** Closes the current window now, whatever its age (on close), so no count is lost. */
    public void flush() {
        Window done;
        ReentrantReadWriteLock.WriteLock write = lock.writeLock();
        write.lock();
        try {
            done = current;
            current = new Window(align(clock.millis()));
        } finally {
            write.unlock();
        }
        emit(done, Math.min(clock.millis(), done.start + windowMillis));
    }

    private void emit(Window w, long end) {
        if (w.tallies.isEmpty()) {
            return;
        }
        Instant at = Instant.ofEpochMilli(end);
        String startText = Instant.ofEpochMilli(w.start).toString();
        String endText = at.toString();
        List<AuditEvent> events = new ArrayList<>(w.tallies.size());
        w.tallies.forEach((k, t) -> {
            boolean other = k.clientIp() == null;
            Map<String, String> details = new java.util.HashMap<>(8);
            details.put("count", Long.toString(t.count.sum()));
            details.put("windowStart", startText);
            details.put("windowEnd", endText);
            details.put("aggregated", "true");
            details.put("sampleMethod", t.method);
            details.put("samplePath", t.path);
            if (other) {
                details.put("sources", "addresses past the per-window cap of " + maxKeys);
            }
            events.add(new AuditEvent(AuditEventType.AUTHENTICATION_REFUSED, at, "anonymous", Optional.empty(),
                    Optional.empty(), other ? Optional.empty() : Optional.of(k.clientIp()), AuditOutcome.FAILURE,
                    Optional.of(k.reason().name()), details));
        });
        events.forEach(out);
    }

    /** Distinct keys in the current window (for tests of the memory bound). */
    public int currentKeys() {
        return current.keys.get();
    }
}
