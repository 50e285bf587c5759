package dev.latchkey.spi;

/**
 * What a {@link Notice} tells a token's owner.
 *
 * @since 0.1
 */
public enum NoticeKind {
    /** Somebody else (a token manager) created a token on the owner's behalf. */
    CREATED_ON_BEHALF,
    /** Somebody else revoked one of the owner's tokens. */
    REVOKED_BY_OTHER,
    /** The token was found in public (a secret scanner, a push, a token manager) and revoked as leaked. */
    REVOKED_LEAKED,
    /** The token expires soon ({@code details.daysLeft}, {@code details.expiresAt}). */
    EXPIRING
}
