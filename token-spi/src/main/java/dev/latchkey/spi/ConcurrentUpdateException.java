package dev.latchkey.spi;

/**
 * Thrown by {@link TokenStore#update(TokenRecord, long)} when the stored version is not the expected one:
 * somebody else changed the record first. The caller re-reads and retries; nothing was written.
 *
 * @since 0.1
 */
public class ConcurrentUpdateException extends LatchkeyException {
    private static final long serialVersionUID = 1L;

    public ConcurrentUpdateException(String message) {
        super(message);
    }
}
