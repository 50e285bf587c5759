package dev.latchkey.core;

import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.AuditSink;
import dev.latchkey.spi.Notice;
import dev.latchkey.spi.NoticeKind;
import dev.latchkey.spi.Notifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the lifecycle's audit events into owner notices: every change the owner should hear about is audited
 * exactly once, on the node that made it, so deriving notices here needs no hook in each operation and no store
 * read. A failing notifier is logged; the change and its audit stand.
 */
final class NoticingAuditSink implements AuditSink {
    private static final Logger LOG = LoggerFactory.getLogger(NoticingAuditSink.class);
    private final AuditSink delegate;
    private final Notifier notifier;

    NoticingAuditSink(AuditSink delegate, Notifier notifier) {
        this.delegate = delegate;
        this.notifier = notifier;
    }

    @Override
    public void record(AuditEvent event) {
        delegate.record(event);
        notice(event).ifPresent(n -> {
            try {
                notifier.send(n);
            } catch (RuntimeException e) {
                LOG.warn("could not send notice {} about token {} to {}: {}", n.kind(), n.tokenId(), n.owner(),
                        e.toString());
            }
        });
    }

    @Override
    public void recordAll(java.util.List<AuditEvent> events) {
        delegate.recordAll(events); // refusal batches: they never make notices, keep the sink's batch write
    }

    /** The host's sink, as configured (so {@link Latchkey#auditSink()} still shows its real type). */
    AuditSink delegate() {
        return delegate;
    }

    static Optional<Notice> notice(AuditEvent e) {
        if (e.outcome() != AuditOutcome.SUCCESS || e.tokenId().isEmpty() || e.tokenOwner().isEmpty()) {
            return Optional.empty();
        }
        String owner = e.tokenOwner().get();
        boolean byOther = !owner.equals(e.actor());
        NoticeKind kind;
        if (e.type() == AuditEventType.TOKEN_CREATED && byOther && !owner.startsWith("service:")) {
            kind = NoticeKind.CREATED_ON_BEHALF;
        } else if (e.type() == AuditEventType.TOKEN_REVOKED && dev.latchkey.core.internal.lifecycle.LeakedTokens.REASON.equals(e.details().get("reason"))) {
            kind = NoticeKind.REVOKED_LEAKED;
        } else if (e.type() == AuditEventType.TOKEN_REVOKED && byOther) {
            kind = NoticeKind.REVOKED_BY_OTHER;
        } else {
            return Optional.empty();
        }
        Map<String, String> d = new LinkedHashMap<>();
        for (String k : new String[] {"reason", "foundAt", "reporter", "name", "level"}) {
            String v = e.details().get(k);
            if (v != null) {
                d.put(k, v);
            }
        }
        return Optional.of(new Notice(kind, e.at(), owner, e.tokenId().get(), e.actor(), d));
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
