package dev.latchkey.core;

/**
 * Why a {@link PasswordGate} refused a request that sent a password (HTTP Basic with a password that is not a
 * token), beside {@link RefusalReason} for tokens. Its {@link #name()} is the {@code reason} of the
 * {@link dev.latchkey.spi.AuditEventType#PASSWORD_AUTH_REFUSED} audit event.
 *
 * @since 0.1
 */
public enum PasswordRefusal {
    /** Password authentication is disabled for the path (or the path needs a token), and the user is not exempt. */
    PASSWORD_AUTH_DISABLED,
    /** The path applies the policy's global allowlist to passwords, and the client address is outside it. */
    IP_NOT_ALLOWED
}
