package dev.latchkey.core.memory;

import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.TokenRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * {@link InMemoryTokenStore}'s change feed. Appends and prunes happen under the store's write lock, atomically with
 * the change they record; reads take no lock.
 */
final class MemoryChangeFeed {
    private final ConcurrentSkipListMap<Long, ChangeEvent> changes = new ConcurrentSkipListMap<>();
    private final Clock clock;
    private long sequence;

    MemoryChangeFeed(Clock clock) {
        this.clock = clock;
    }

    /** Under the store's write lock. */
    void appendToken(TokenRecord r) {
        long seq = ++sequence;
        changes.put(seq, new ChangeEvent(seq, ChangeEvent.Type.TOKEN, Optional.of(r.id()), Optional.of(r.digest()),
                clock.instant()));
    }

    /** Under the store's write lock. */
    void appendPolicy() {
        long seq = ++sequence;
        changes.put(seq, new ChangeEvent(seq, ChangeEvent.Type.POLICY, Optional.empty(), Optional.empty(),
                clock.instant()));
    }

    List<ChangeEvent> since(long afterSequence, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        ConcurrentNavigableMap<Long, ChangeEvent> tail = changes.tailMap(afterSequence, false);
        try (Stream<ChangeEvent> s = tail.values().stream()) {
            return s.limit(limit).toList();
        }
    }

    long latest() {
        Map.Entry<Long, ChangeEvent> last = changes.lastEntry();
        return last == null ? 0 : last.getKey();
    }

    /** Under the store's write lock. */
    int prune(Instant before) {
        int removed = 0;
        Long last = changes.isEmpty() ? null : changes.lastKey();
        for (ChangeEvent e : new ArrayList<>(changes.values())) {
            if (e.at().isBefore(before) && !Long.valueOf(e.sequence()).equals(last)) {
                changes.remove(e.sequence());
                removed++;
            }
        }
        return removed;
    }
}
