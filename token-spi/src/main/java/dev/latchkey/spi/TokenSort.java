package dev.latchkey.spi;

/**
 * Sort keys for {@link TokenQuery}. An allowlist: stores map each to a fixed column, never to caller text.
 * Ties are always broken by token id ascending so paging is stable.
 *
 * @since 0.1
 */
public enum TokenSort {
    /** Creation time. */
    CREATED_AT,
    /** Expiry; tokens that never expire sort last. */
    EXPIRES_AT,
    /** Last use; never-used tokens sort last. */
    LAST_USED_AT,
    /** Token name. */
    NAME,
    /** Owner name. */
    OWNER
}
