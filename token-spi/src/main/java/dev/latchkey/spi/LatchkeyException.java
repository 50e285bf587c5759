package dev.latchkey.spi;

/**
 * The root of every exception Latchkey throws. Unchecked: checked exceptions never cross the SPI.
 *
 * <p>Messages never contain a token secret; they name what was wrong and how to fix it.
 *
 * @since 0.1
 */
public class LatchkeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong and how to fix it; never a token secret
     */
    public LatchkeyException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what was wrong and how to fix it; never a token secret
     * @param cause   the underlying failure (e.g. the driver's exception)
     */
    public LatchkeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
