package dev.latchkey.core;

import dev.latchkey.spi.LatchkeyException;

/**
 * No token with that id exists, or the actor may not see it (both look the same so ids cannot be probed);
 * HTTP layers answer 404.
 *
 * @since 0.1
 */
public class TokenNotFoundException extends LatchkeyException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception. The message names {@code id} only when it looks like a token id (1-32 lower-case letters
     * and digits), so a secret pasted where the id belongs is not echoed.
     *
     * @param id the id that was asked for; may be anything, including null
     */
    public TokenNotFoundException(String id) {
        // echo the id only when it is id-shaped: a caller who pastes a secret where the id goes must not see
        // it come back in a message (or a log line)
        super(id != null && id.matches("[0-9a-z]{1,32}") ? "no token with id " + id : "no token with that id");
    }
}
