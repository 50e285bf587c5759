package dev.latchkey.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link Authenticator#authenticate}: allowed with a principal, or refused with a reason.
 *
 * @since 0.1
 */
public sealed interface Decision {

    /**
     * Whether the request is allowed.
     *
     * @return true for {@link Allowed}, false for {@link Refused}
     */
    boolean isAllowed();

    /**
     * The token was valid and sufficient for the request.
     *
     * @param principal who the request acts as
     * @param token     the token's non-secret facts
     */
    record Allowed(TokenPrincipal principal, TokenInfo token) implements Decision {
        /**
         * Checks the fields.
         *
         * @param principal who the request acts as
         * @param token     the token's non-secret facts
         * @throws NullPointerException if a field is null
         */
        public Allowed {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(token, "token");
        }

        @Override
        public boolean isAllowed() {
            return true;
        }
    }

    /**
     * The request must not proceed on this token.
     *
     * @param reason     why (precise; for audit and DEBUG logs, not for the client)
     * @param tokenId    the token's public id when it was identified
     * @param retryAfter for {@link RefusalReason#RATE_LIMITED}: how long the client should wait (whole seconds,
     *                   at least one); empty otherwise
     */
    record Refused(RefusalReason reason, Optional<String> tokenId, Optional<Duration> retryAfter) implements Decision {
        /**
         * Checks the fields.
         *
         * @param reason     why
         * @param tokenId    the token's public id when it was identified
         * @param retryAfter how long a rate-limited client should wait
         * @throws NullPointerException if a field is null
         */
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(tokenId, "tokenId");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }

        /**
         * A refusal with no wait.
         *
         * @param reason  why
         * @param tokenId the token's public id when it was identified
         */
        public Refused(RefusalReason reason, Optional<String> tokenId) {
            this(reason, tokenId, Optional.empty());
        }

        @Override
        public boolean isAllowed() {
            return false;
        }
    }
}
