package dev.latchkey.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of {@link PasswordGate#decide}: the password goes on to the host, which checks it, or the adapter
 * refuses the request without asking the host.
 *
 * @since 0.1
 */
public sealed interface PasswordDecision {

    /**
     * Whether the password goes on to the host.
     *
     * @return true for {@link ToHost}, false for a refusal
     */
    boolean toHost();

    /** No rule refuses the password: the host checks it as it always does. */
    record ToHost() implements PasswordDecision {
        @Override
        public boolean toHost() {
            return true;
        }
    }

    /**
     * A rule refuses the password; the refusal was logged at DEBUG, audited ({@code PASSWORD_AUTH_REFUSED}) and, for
     * {@link PasswordRefusal#PASSWORD_AUTH_DISABLED}, charged to the client's failed-attempt budget.
     *
     * @param reason which rule (for the adapter's answer and the audit log)
     */
    record Refused(PasswordRefusal reason) implements PasswordDecision {
        /**
         * Checks the reason.
         *
         * @param reason which rule refused the password
         * @throws NullPointerException if {@code reason} is null
         */
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public boolean toHost() {
            return false;
        }
    }

    /**
     * The client address is over its failed-attempt limit ({@link AttemptLimiter}): refused before any rule or
     * directory is asked; counted in the aggregated refusal audit.
     *
     * @param retryAfter how long the client should wait (whole seconds, at least one)
     */
    record RateLimited(Duration retryAfter) implements PasswordDecision {
        /**
         * Checks the wait.
         *
         * @param retryAfter how long the client should wait
         * @throws NullPointerException if {@code retryAfter} is null
         */
        public RateLimited {
            Objects.requireNonNull(retryAfter, "retryAfter");
        }

        @Override
        public boolean toHost() {
            return false;
        }
    }
}
