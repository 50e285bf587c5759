package dev.latchkey.servlet.testing;

import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditLog;
import dev.latchkey.spi.AuditQuery;
import dev.latchkey.spi.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A small queryable audit log for tests (newest first). */
public final class InMemoryAuditLog implements AuditLog {
    private final CopyOnWriteArrayList<AuditEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void record(AuditEvent event) {
        events.add(event);
    }

    public List<AuditEvent> events() {
        return List.copyOf(events);
    }

    @Override
    public Page<AuditEvent> query(AuditQuery q) {
        List<AuditEvent> match = new ArrayList<>();
        for (int i = events.size() - 1; i >= 0; i--) {
            AuditEvent e = events.get(i);
            if (q.from().isPresent() && e.at().isBefore(q.from().get())) continue;
            if (q.to().isPresent() && !e.at().isBefore(q.to().get())) continue;
            if (q.actor().isPresent() && !q.actor().get().equals(e.actor())) continue;
            if (q.tokenId().isPresent() && !q.tokenId().equals(e.tokenId())) continue;
            if (q.owner().isPresent() && !q.owner().equals(e.tokenOwner())) continue;
            if (q.type().isPresent() && q.type().get() != e.type()) continue;
            if (q.outcome().isPresent() && q.outcome().get() != e.outcome()) continue;
            match.add(e);
        }
        int from = (int) Math.min(match.size(), (long) q.page() * q.size());
        int to = Math.min(match.size(), from + q.size());
        return new Page<>(match.subList(from, to), q.page(), q.size(), match.size());
    }
}
