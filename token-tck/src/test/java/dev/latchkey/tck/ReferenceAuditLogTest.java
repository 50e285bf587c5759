package dev.latchkey.tck;

import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditLog;
import dev.latchkey.spi.AuditQuery;
import dev.latchkey.spi.Page;

import java.util.ArrayList;
import java.util.List;

/** Runs the kit against the simplest correct audit log: checks the kit itself. */
class ReferenceAuditLogTest extends AuditLogContract {

    @Override
    protected AuditLog createAuditLog() {
        return new AuditLog() {
            private final List<AuditEvent> events = new ArrayList<>();

            @Override
            public synchronized void record(AuditEvent event) {
                events.add(event);
            }

            @Override
            public synchronized Page<AuditEvent> query(AuditQuery q) {
                List<AuditEvent> newestFirst = new ArrayList<>();
                for (int i = events.size() - 1; i >= 0; i--) {
                    newestFirst.add(events.get(i));
                }
                newestFirst.sort((a, b) -> b.at().compareTo(a.at())); // stable: ties keep newest-recorded first
                List<AuditEvent> matches = newestFirst.stream()
                        .filter(e -> q.from().map(f -> !e.at().isBefore(f)).orElse(true))
                        .filter(e -> q.to().map(t -> e.at().isBefore(t)).orElse(true))
                        .filter(e -> q.actor().map(e.actor()::equals).orElse(true))
                        .filter(e -> q.tokenId().map(t -> e.tokenId().equals(java.util.Optional.of(t))).orElse(true))
                        .filter(e -> q.owner().map(o -> e.tokenOwner().equals(java.util.Optional.of(o))).orElse(true))
                        .filter(e -> q.type().map(t -> e.type() == t).orElse(true))
                        .filter(e -> q.outcome().map(o -> e.outcome() == o).orElse(true))
                        .toList();
                return new Page<>(matches.stream().skip((long) q.page() * q.size()).limit(q.size()).toList(),
                        q.page(), q.size(), matches.size());
            }
        };
    }
}
