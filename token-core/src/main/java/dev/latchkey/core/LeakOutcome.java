package dev.latchkey.core;

/**
 * What became of a token reported as leaked ({@link TokenService#reportLeaked}). Secret scanners answer their
 * reporters from it (GitHub's {@code true_positive}/{@code false_positive} label, for one).
 *
 * @since 0.1
 */
public enum LeakOutcome {
    /** An active token of this host: it was revoked now, and its owner is told. */
    REVOKED,
    /** A token of this host that was already revoked or expired: nothing changed (a repeated report). */
    ALREADY_INACTIVE,
    /** A well-formed, checksum-valid token this host does not know (purged, or another host's). */
    UNKNOWN,
    /** Not a token of this host's format at all. */
    NOT_A_TOKEN
}
