package dev.latchkey.spi;

/**
 * What an {@link AuditEvent} records.
 *
 * @since 0.1
 */
public enum AuditEventType {
    /** A token was created. */
    TOKEN_CREATED,
    /** A token's name, scope, CIDRs or expiry changed. */
    TOKEN_UPDATED,
    /** A token was replaced by a successor (the predecessor is revoked). */
    TOKEN_ROTATED,
    /** A token was revoked. */
    TOKEN_REVOKED,
    /** Creating a token was refused (permission, policy or limit). */
    TOKEN_CREATE_DENIED,
    /** Listing, updating, rotating or revoking a token was refused. */
    TOKEN_MANAGE_DENIED,
    /** Revoked and expired tokens were removed from the store. */
    TOKENS_PURGED,
    /** The policy was changed. */
    POLICY_CHANGED,
    /** A policy change was refused. */
    POLICY_CHANGE_DENIED,
    /** A request presenting a token was refused; the reason says why. */
    AUTHENTICATION_REFUSED,
    /**
     * A request presenting a password (HTTP Basic) was refused without checking the password, because the path
     * requires a token or password authentication is off; the actor is {@code anonymous} and the claimed user
     * name is in the details.
     */
    PASSWORD_AUTH_REFUSED,
    /** A token manager looked a token up by its value (issue 14). */
    TOKEN_IDENTIFIED,
    /** A secret scanner reported a token this host does not know (a known one is revoked: TOKEN_REVOKED). */
    LEAK_REPORTED
}
