package dev.latchkey.spi;

/** What an {@link AuditEvent} records. */
public enum AuditEventType {
    TOKEN_CREATED,
    TOKEN_UPDATED,
    TOKEN_ROTATED,
    TOKEN_REVOKED,
    TOKEN_CREATE_DENIED,
    TOKEN_MANAGE_DENIED,
    TOKENS_PURGED,
    POLICY_CHANGED,
    POLICY_CHANGE_DENIED,
    AUTHENTICATION_REFUSED,
    PASSWORD_AUTH_REFUSED,
    /** A token manager looked a token up by its value (issue 14). */
    TOKEN_IDENTIFIED,
    /** A secret scanner reported a token this host does not know (a known one is revoked: TOKEN_REVOKED). */
    LEAK_REPORTED
}
