package dev.latchkey.spi;

/**
 * Thrown by {@link TokenStore#insert(TokenRecord)} when a record with the same id or digest exists.
 *
 * @since 0.1
 */
public class DuplicateTokenException extends LatchkeyException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong and how to fix it; never a token secret
     */
    public DuplicateTokenException(String message) {
        super(message);
    }
}
