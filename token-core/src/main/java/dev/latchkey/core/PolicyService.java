package dev.latchkey.core;

import java.util.Map;

/**
 * Reads and (for policy administrators) changes the policy. A change is saved to the store, audited, and
 * reaches other nodes through the change feed. Thread-safe.
 *
 * @since 0.1
 */
public interface PolicyService {

    /**
     * The policy in force on this node.
     *
     * @return the policy this node currently applies
     */
    Policy current();

    /**
     * Whether the policy's global allowlist admits {@code clientIp} (true when the allowlist is empty). Uses
     * the allowlist the engine compiled, so hosts applying it elsewhere (password requests) get the same
     * answer as the token path; an unparseable address and {@link RequestFacts#UNKNOWN_CLIENT_IP} are not admitted.
     *
     * @param clientIp the client address as text
     * @return true if the allowlist is empty or contains the address
     */
    boolean allowsClientIp(String clientIp);

    /**
     * Replaces the named settings (see {@link Policy#toSettings()}) and saves the result.
     *
     * @param actor    who asks
     * @param settings setting names mapped to new values; settings not named keep their value
     * @return the policy as saved
     * @throws ValidationException       naming the first bad or unknown setting (nothing is saved)
     * @throws PermissionDeniedException if the actor may not administer the policy
     */
    Policy update(Actor actor, Map<String, String> settings);
}
