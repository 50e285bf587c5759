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

    public LatchkeyException(String message) {
        super(message);
    }

    public LatchkeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
