package dev.latchkey.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * When, by whom and why a token was revoked.
 *
 * @param at     when
 * @param by     the user (or {@code system}) that revoked it
 * @param reason a short, non-secret reason (may be empty)
 *
 * @since 0.1
 */
public record Revocation(Instant at, String by, String reason) {
    /**
     * Checks and normalises the components; see the record description for each one's meaning.
     *
     * @param at     when
     * @param by     the user (or {@code system}) that revoked it
     * @param reason a short, non-secret reason (may be empty)
     * @throws NullPointerException if a component is null
     */
    public Revocation {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(reason, "reason");
    }
}
