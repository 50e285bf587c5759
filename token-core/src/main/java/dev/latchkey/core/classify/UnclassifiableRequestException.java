package dev.latchkey.core.classify;

import dev.latchkey.spi.LatchkeyException;

/**
 * A classifier could not decide what a request needs (ambiguous path, ...); the engine refuses it.
 *
 * @since 0.1
 */
public class UnclassifiableRequestException extends LatchkeyException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what makes the request ambiguous; holds no secret
     */
    public UnclassifiableRequestException(String message) {
        super(message);
    }
}
