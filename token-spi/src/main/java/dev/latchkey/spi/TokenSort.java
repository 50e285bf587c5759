package dev.latchkey.spi;

/**
 * Sort keys for {@link TokenQuery}. An allowlist: stores map each to a fixed column, never to caller text.
 * Ties are always broken by token id ascending so paging is stable.
 *
 * @since 0.1
 */
public enum TokenSort {
    CREATED_AT,
    EXPIRES_AT,
    LAST_USED_AT,
    NAME,
    OWNER
}
