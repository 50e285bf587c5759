package dev.latchkey.core;

import dev.latchkey.spi.LatchkeyException;
import java.util.Objects;

/**
 * A request that authenticates by its token itself ({@link TokenService#rotateSelf}) was refused: the token is
 * unknown, revoked, expired, not allowed from this address, or the client is rate limited. HTTP layers answer as
 * they answer the same {@link Decision.Refused} on any other request (401, 403, 429 or 503); the reason is for the
 * audit and DEBUG logs, not for the client.
 *
 * @since 0.1
 */
public final class TokenRefusedException extends LatchkeyException {
    private static final long serialVersionUID = 1L;
    private final transient Decision.Refused refusal;

    /**
     * Creates the exception.
     *
     * @param refusal the authenticator's refusal
     */
    public TokenRefusedException(Decision.Refused refusal) {
        super("the token was refused: " + Objects.requireNonNull(refusal, "refusal").reason());
        this.refusal = refusal;
    }

    /**
     * The refusal, as the authenticator decided it.
     *
     * @return the refusal, with its reason and, when known, the token id
     */
    public Decision.Refused refusal() {
        return refusal;
    }
}
