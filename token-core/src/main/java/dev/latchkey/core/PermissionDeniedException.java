package dev.latchkey.core;

import dev.latchkey.spi.LatchkeyException;

/**
 * The actor is not allowed to do this by the permission model or policy; HTTP layers answer 403.
 *
 * @since 0.1
 */
public class PermissionDeniedException extends LatchkeyException {
    private static final long serialVersionUID = 1L;

    /**
     * The message of the rule that a request authenticated by a token may not create, change or revoke tokens nor
     * change the policy unless the policy's {@code tokensMayManageTokens} allows it: the one wording every layer
     * (lifecycle, policy service, REST API) uses.
     */
    public static final String TOKENS_MAY_NOT_MANAGE_TOKENS = "tokens may not be used to manage tokens or the "
            + "policy (policy tokensMayManageTokens=false); sign in with your own credentials";

    /**
     * Creates the exception.
     *
     * @param message which rule refused the actor; holds no secret
     */
    public PermissionDeniedException(String message) {
        super(message);
    }
}
