package dev.latchkey.spi;

/**
 * The life-cycle state of a token at a given instant. Revoked wins over expired.
 *
 * @since 0.1
 */
public enum TokenState {
    ACTIVE,
    EXPIRED,
    REVOKED
}
