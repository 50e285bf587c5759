package dev.latchkey.spring;

import dev.latchkey.core.TokenInfo;

/**
 * Told about every request on which Latchkey decided inside Spring Security's chain, for metrics. Called on the
 * request thread: implementations must be fast, thread-safe and never throw.
 */
public interface DecisionListener {
    /** A listener that ignores everything. */
    DecisionListener NONE = new DecisionListener() {
        @Override
        public void allowed(TokenInfo token) {
        }

        @Override
        public void refused(int status) {
        }
    };

    /** A token was accepted. */
    void allowed(TokenInfo token);

    /**
     * Latchkey answered the request itself with this HTTP status: 400 {@code invalid_request}, 401
     * {@code invalid_token} (or a password refused where passwords are disabled), 403 {@code insufficient_scope}
     * (or an address outside the allowlist), 429 rate limited, 503 store unavailable.
     */
    void refused(int status);
}
