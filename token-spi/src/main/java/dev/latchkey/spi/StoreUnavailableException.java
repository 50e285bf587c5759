package dev.latchkey.spi;

/**
 * Thrown by a {@link TokenStore} (or {@link AuditLog}) when its backing storage cannot be reached or did
 * not answer in time. The engine turns it into a refusal ("store unavailable"), never an accept.
 * Implementations must wrap driver and I/O errors in this type rather than let them escape raw.
 *
 * @since 0.1
 */
public class StoreUnavailableException extends LatchkeyException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
