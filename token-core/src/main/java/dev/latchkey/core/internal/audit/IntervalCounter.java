package dev.latchkey.core.internal.audit;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Counts recurring trouble (audit-sink failures, a full audit queue) and reports it as one WARN line per
 * interval with the count, never one line per event: a database that is down under load would otherwise write
 * a line per request. The first occurrence after a quiet interval is reported at once, so trouble is seen
 * without delay; what follows within the interval is reported by the next {@link #report()} (the engine calls
 * it every second) once the interval is over.
 *
 * @since 0.1
 */
public final class IntervalCounter {
    private final Logger log;
    private final String what;
    private final Clock clock;
    private final long intervalMillis;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong lastReportMillis = new AtomicLong(Long.MIN_VALUE);
    private volatile String lastCause = "-";

    public IntervalCounter(Logger log, String what, Clock clock, long intervalMillis) {
        this.log = log;
        this.what = what;
        this.clock = clock;
        this.intervalMillis = intervalMillis;
    }

    /** Counts {@code n} occurrences; {@code cause} must not hold anything secret (it is logged). */
    public void add(long n, String cause) {
        total.addAndGet(n);
        unreported.addAndGet(n);
        lastCause = cause;
        report();
    }

    /** Logs the unreported count if there is one and the interval since the last line is over. */
    public void report() {
        if (unreported.get() == 0) {
            return;
        }
        long now = clock.millis();
        long last = lastReportMillis.get();
        if (last != Long.MIN_VALUE && now - last < intervalMillis) {
            return;
        }
        if (!lastReportMillis.compareAndSet(last, now)) {
            return; // another thread reports this interval
        }
        long n = unreported.getAndSet(0);
        if (n > 0) {
            log.warn("{}: {} since the last report ({} in total; reported at most once every {} ms); last cause: {}",
                    what, n, total.get(), intervalMillis, lastCause);
        }
    }

    /** Logs the unreported count, if any, whatever the interval (on close: nothing is left unsaid). */
    public void reportNow() {
        lastReportMillis.set(Long.MIN_VALUE);
        report();
    }

    public long total() {
        return total.get();
    }
}
