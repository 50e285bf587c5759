package dev.latchkey.benchmarks;

import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditSink;
import java.util.concurrent.atomic.LongAdder;

/**
 * An {@link AuditSink} that only counts. The benchmarks measure the engine, not a logging back end: with the
 * default {@code Slf4jAuditSink} every refused request would be a WARN line, and the garbage benchmarks would
 * measure console I/O. The engine still builds every audit event; only writing it is left out.
 */
public final class CountingAuditSink implements AuditSink {
    private final LongAdder events = new LongAdder();

    @Override
    public void record(AuditEvent event) {
        events.increment();
    }

    public long events() {
        return events.sum();
    }
}
