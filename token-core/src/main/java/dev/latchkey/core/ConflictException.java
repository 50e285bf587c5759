package dev.latchkey.core;

import dev.latchkey.spi.LatchkeyException;

/**
 * The request conflicts with the current state: the token is revoked, the owner already has the most tokens
 * the policy allows, a service principal name is taken. HTTP layers answer 409.
 *
 * @since 0.1
 */
public class ConflictException extends LatchkeyException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what conflicted, for the caller (it holds no secret)
     */
    public ConflictException(String message) {
        super(message);
    }
}
