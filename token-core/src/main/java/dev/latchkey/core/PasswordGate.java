package dev.latchkey.core;

/**
 * Decides on requests that present a password (HTTP Basic whose password is not a token), beside the
 * {@link Authenticator} that decides on tokens: whether {@link PasswordRules} let the password go on to the host,
 * which checks it. An adapter parses the credential and the client address, asks here and writes the answer; the
 * rules, the directory lookups for exemptions (through the engine's directory cache), the failed-attempt limit, the
 * DEBUG line and the audit event are the engine's. Obtained from {@link Latchkey#passwordGate(PasswordRules)};
 * thread-safe.
 *
 * @since 0.1
 */
public interface PasswordGate {
    /**
     * Decides on a password sent as {@code username} with {@code request}. The password itself is not needed and
     * never seen: checking it is the host's job.
     *
     * <p>In order: a path no rule concerns goes to the host; a client address over its failed-attempt limit is
     * {@linkplain PasswordDecision.RateLimited rate-limited}; a path that needs a token, or that disables passwords
     * for a user who is not exempt (by name, or as an active member of an exempt group), is refused with
     * {@link PasswordRefusal#PASSWORD_AUTH_DISABLED}, which counts as a failed attempt; a path that applies the
     * global allowlist to passwords is refused with {@link PasswordRefusal#IP_NOT_ALLOWED} for a client outside it
     * or unknown ({@link RequestFacts#UNKNOWN_CLIENT_IP}). A failing directory makes nobody exempt; a failing audit
     * sink refuses nothing more.
     *
     * @param username the Basic user name as sent (only a claim: audited as {@code details.claimedUser}, never as
     *                 the actor)
     * @param request  the request; its {@code path} is the context-relative path the rules match
     * @return whether the password goes on to the host, or why the request is refused
     * @throws NullPointerException if an argument is null
     */
    PasswordDecision decide(String username, RequestFacts request);

    /**
     * The rules this gate applies.
     *
     * @return the rules, as built
     */
    PasswordRules rules();
}
