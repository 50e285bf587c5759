package dev.latchkey.spi;

/** Whether the audited action succeeded. */
public enum AuditOutcome {
    SUCCESS,
    FAILURE
}
