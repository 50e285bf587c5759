package dev.latchkey.spi;

/**
 * What an {@link AuditEvent} records.
 *
 * @since 0.1
 */
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
    PASSWORD_AUTH_REFUSED
}
