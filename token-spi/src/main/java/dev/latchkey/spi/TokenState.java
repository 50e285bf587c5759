package dev.latchkey.spi;

/**
 * The life-cycle state of a token at a given instant. Revoked wins over expired.
 *
 * @since 0.1
 */
public enum TokenState {
    /** Usable: neither revoked nor past its expiry. */
    ACTIVE,
    /** Past its expiry instant. */
    EXPIRED,
    /** Revoked (whether or not it has also expired). */
    REVOKED
}
