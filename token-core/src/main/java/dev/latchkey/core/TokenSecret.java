package dev.latchkey.core;

import java.util.Objects;

/**
 * The plaintext of a token: shown to its owner once, at creation or rotation, and never stored.
 * {@link #toString()} is redacted so the secret cannot leak through logging or string concatenation;
 * call {@link #reveal()} only to hand it to the person or script that will use it.
 *
 * @since 0.1
 */
public final class TokenSecret {
    private final String value;

    TokenSecret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /**
     * The plaintext. Never log it, store it, put it in a URL or an exception message.
     *
     * @return the token text
     */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "TokenSecret[redacted]";
    }
}
