package dev.latchkey.core.memory;

import dev.latchkey.spi.NoticeLedger;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link NoticeLedger} in memory, for one node: what {@link InMemoryTokenStore} uses. Lost on restart, like
 * the store. Thread-safe.
 *
 * @since 0.1
 */
public final class InMemoryNoticeLedger implements NoticeLedger {
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();

    @Override
    public boolean claim(String tokenId, String noticeKey, Instant at) {
        check("tokenId", tokenId);
        check("noticeKey", noticeKey);
        Objects.requireNonNull(at, "at");
        // Set.add on a concurrent set is the atomic check-and-write
        return claimed.add(tokenId + '\u0000' + noticeKey);
    }

    static void check(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank() || value.length() > 128) {
            throw new IllegalArgumentException(name + " must be 1-128 characters and not blank, was "
                    + value.length() + " characters");
        }
    }
}
