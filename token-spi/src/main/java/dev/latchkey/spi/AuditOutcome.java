package dev.latchkey.spi;

/**
 * Whether the audited action succeeded.
 *
 * @since 0.1
 */
public enum AuditOutcome {
    SUCCESS,
    FAILURE
}
