package dev.latchkey.spi;

/**
 * Thrown by {@link TokenStore#update(TokenRecord, long)} when the stored version is not the expected one:
 * somebody else changed the record first. The caller re-reads and retries; nothing was written.
 *
 * @since 0.1
 */
public class ConcurrentUpdateException extends LatchkeyException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong and how to fix it; never a token secret
     */
    public ConcurrentUpdateException(String message) {
        super(message);
    }
}
