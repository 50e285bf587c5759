package dev.latchkey.spi;

/**
 * Whether the audited action succeeded.
 *
 * @since 0.1
 */
public enum AuditOutcome {
    /** The action was carried out. */
    SUCCESS,
    /** The action was refused or failed; the event's reason says why. */
    FAILURE
}
