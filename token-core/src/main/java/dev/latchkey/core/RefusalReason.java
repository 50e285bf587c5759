package dev.latchkey.core;

/**
 * Why the authenticator refused a token. The precise reason goes to the audit log and DEBUG log; the HTTP
 * answer only says {@code invalid_token}, {@code insufficient_scope} or "unavailable".
 *
 * @since 0.1
 */
public enum RefusalReason {
    /** Not a token of this host's format (length, alphabet, prefix or checksum). No storage was touched. */
    MALFORMED,
    /** Well-formed, but no such token is stored. */
    UNKNOWN,
    /** The token's lifetime is over. */
    EXPIRED,
    /** The token was revoked. */
    REVOKED,
    /** Sent as a Basic password with a user name that is not the token's owner (or the service user name). */
    USERNAME_MISMATCH,
    /** The owner is deactivated or no longer in the directory. */
    OWNER_INACTIVE,
    /** The owner is no longer allowed to use tokens (left the group). */
    NOT_PERMITTED,
    /** The client IP is outside the token's CIDRs or the global allowlist. */
    IP_NOT_ALLOWED,
    /** The request needs more than the token's scope grants. */
    INSUFFICIENT_SCOPE,
    /** The token store (or directory) could not be reached; never an accept. */
    STORE_UNAVAILABLE,
    /** Something unexpected failed while deciding; refused to fail closed. */
    INTERNAL_ERROR,
    /**
     * The client address failed too often recently ({@link Latchkey.Builder#failedAttemptLimit}); refused
     * without looking the token up. {@link Decision.Refused#retryAfter()} says for how long.
     */
    RATE_LIMITED;

    /**
     * Whether a client should see {@code insufficient_scope} (403) rather than {@code invalid_token}.
     *
     * @return true only for {@link #INSUFFICIENT_SCOPE}
     */
    public boolean isInsufficientScope() {
        return this == INSUFFICIENT_SCOPE;
    }

    /**
     * Whether the refusal is the failed-attempt limit (429) rather than a verdict on the token.
     *
     * @return true only for {@link #RATE_LIMITED}
     */
    public boolean isRateLimited() {
        return this == RATE_LIMITED;
    }

    /**
     * Whether the refusal counts as a failed attempt of the client for the failed-attempt limit. Scope refusals
     * do not (only a holder of a genuine token can cause them, and a client probing what its token may do is not
     * guessing), nor do our own failures (storage, internal errors), nor the limit itself.
     *
     * @return true unless the reason is a scope refusal, a failure of ours or the limit itself
     */
    public boolean isFailedAttempt() {
        return this != INSUFFICIENT_SCOPE && !isUnavailable() && this != RATE_LIMITED;
    }

    /**
     * Whether the refusal is a temporary failure of storage (503) rather than a verdict on the token.
     *
     * @return true for {@link #STORE_UNAVAILABLE} and {@link #INTERNAL_ERROR}
     */
    public boolean isUnavailable() {
        return this == STORE_UNAVAILABLE || this == INTERNAL_ERROR;
    }
}
