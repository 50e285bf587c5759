package dev.latchkey.core;

import java.time.Duration;
import java.util.Optional;

/**
 * The per-client-address limit on failed authentication attempts, shared by every adapter. The engine applies
 * it to token attempts itself ({@link RefusalReason#RATE_LIMITED}) and to passwords its {@link PasswordGate} refuses;
 * an adapter that refuses credentials of its own (the introspection endpoint's caller, a leak report) asks
 * {@link #admit} before deciding and reports each refusal with {@link #failed}. Obtained from {@link Latchkey#attemptLimiter()}; thread-safe.
 *
 * <p>While an address is limited, every attempt from it that presents a credential is refused without a
 * lookup, even with a valid token: an attacker's address is not a place to serve tokens from, and answering
 * differently for valid tokens would turn the limit into an oracle. Other addresses are never affected.
 *
 * @since 0.1
 */
public interface AttemptLimiter {
    /**
     * Whether an attempt from {@code clientIp} (empty when unknown: one bucket of its own) may proceed. When
     * not, the refused attempt is counted in the aggregated audit and the periodic summary, and the time until
     * the next attempt is admitted is returned (at least one second).
     *
     * @param clientIp the client address, or empty when unknown
     * @return empty when the attempt may proceed; otherwise how long the client should wait
     * @throws NullPointerException if {@code clientIp} is null
     */
    Optional<Duration> admit(String clientIp);

    /**
     * Counts one failed attempt from {@code clientIp}.
     *
     * @param clientIp the client address, or empty when unknown
     * @throws NullPointerException if {@code clientIp} is null
     */
    void failed(String clientIp);
}
