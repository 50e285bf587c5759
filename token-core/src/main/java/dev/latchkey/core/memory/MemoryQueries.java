package dev.latchkey.core.memory;

import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** {@link TokenQuery}'s filters and order over records in memory, as {@link InMemoryTokenStore#query} applies them. */
final class MemoryQueries {
    private MemoryQueries() {
    }

    static boolean matches(TokenRecord r, TokenQuery q) {
        if (q.owner().isPresent() && !r.owner().equals(q.owner().get())) {
            return false;
        }
        if (q.nameContains().isPresent()
                && !r.name().toLowerCase(Locale.ROOT).contains(q.nameContains().get().toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (q.kind().isPresent() && r.kind() != q.kind().get()) {
            return false;
        }
        if (q.state().isPresent() && r.state(q.asOf()) != q.state().get()) {
            return false;
        }
        if (q.createdAfter().isPresent() && r.createdAt().isBefore(q.createdAfter().get())) {
            return false;
        }
        if (q.createdBefore().isPresent() && !r.createdAt().isBefore(q.createdBefore().get())) {
            return false;
        }
        if (q.expiresBefore().isPresent()
                && (r.expiresAt().isEmpty() || !r.expiresAt().get().isBefore(q.expiresBefore().get()))) {
            return false;
        }
        if (q.lastUsedBefore().isPresent()
                && (r.lastUse().isEmpty() || !r.lastUse().get().at().isBefore(q.lastUsedBefore().get()))) {
            return false;
        }
        return !q.neverUsed() || r.lastUse().isEmpty();
    }

    static Comparator<TokenRecord> order(TokenQuery q) {
        Comparator<TokenRecord> primary = switch (q.sort()) {
            case CREATED_AT -> nullsLast(r -> Optional.of(r.createdAt()), q.descending());
            case EXPIRES_AT -> nullsLast(TokenRecord::expiresAt, q.descending());
            case LAST_USED_AT -> nullsLast(r -> r.lastUse().map(LastUse::at), q.descending());
            case NAME -> nullsLast(r -> Optional.of(r.name()), q.descending());
            case OWNER -> nullsLast(r -> Optional.of(r.owner()), q.descending());
        };
        return primary.thenComparing(TokenRecord::id);
    }

    static <T extends Comparable<? super T>> Comparator<TokenRecord> nullsLast(
            Function<TokenRecord, Optional<T>> key, boolean descending) {
        Comparator<T> natural = Comparator.naturalOrder();
        Comparator<T> dir = descending ? natural.reversed() : natural;
        return (a, b) -> {
            Optional<T> x = key.apply(a);
            Optional<T> y = key.apply(b);
            if (x.isEmpty() || y.isEmpty()) {
                return Boolean.compare(x.isEmpty(), y.isEmpty());
            }
            return dir.compare(x.get(), y.get());
        };
    }
}
