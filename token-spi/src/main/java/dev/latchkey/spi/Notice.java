package dev.latchkey.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A message for a token's owner. Never contains a token secret: the engine builds it from the audit event or
 * the stored record, and a {@link Notifier} must not add one.
 *
 * @param kind    what happened
 * @param at      when
 * @param owner   the owner to tell (a user name; a notifier resolves the address through the host's directory)
 * @param tokenId the token concerned
 * @param actor   who did it ({@code system} for a scanner report or an expiry sweep)
 * @param details further non-secret facts: {@code reason}, {@code foundAt}, {@code reporter}, {@code daysLeft},
 *                {@code expiresAt}, {@code hint}, {@code name}
 *
 * @since 0.1
 */
public record Notice(NoticeKind kind, Instant at, String owner, String tokenId, String actor,
                     Map<String, String> details) {
    /**
     * Checks the fields and keeps an immutable copy of {@code details}.
     *
     * @param kind    what happened
     * @param at      when
     * @param owner   the owner to tell
     * @param tokenId the token concerned
     * @param actor   who did it
     * @param details further non-secret facts
     * @throws NullPointerException if any field, or a key or value in {@code details}, is null
     */
    public Notice {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(actor, "actor");
        details = Map.copyOf(new TreeMap<>(Objects.requireNonNull(details, "details")));
    }
}
