package dev.latchkey.core;

import dev.latchkey.spi.TokenRecord;
import java.util.Objects;

/**
 * A newly created (or rotated) token: the stored record and the secret, which is shown this once.
 *
 * @param record the stored record
 * @param secret the plaintext, redacted in {@code toString()}
 *
 * @since 0.1
 */
public record IssuedToken(TokenRecord record, TokenSecret secret) {
    /**
     * Checks the fields.
     *
     * @param record the stored record
     * @param secret the plaintext
     * @throws NullPointerException if a field is null
     */
    public IssuedToken {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(secret, "secret");
    }
}
