package dev.latchkey.core;

import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every audit event for assertions. */
public final class RecordingAuditSink implements AuditSink {
    public final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void record(AuditEvent event) {
        events.add(event);
    }

    public List<AuditEvent> ofType(AuditEventType type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }
}
