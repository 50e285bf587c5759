package dev.latchkey.core;

import dev.latchkey.spi.LatchkeyException;

/**
 * No token with that id exists, or the actor may not see it (both look the same so ids cannot be probed);
 * HTTP layers answer 404.
 */
public class TokenNotFoundException extends LatchkeyException {
    private static final long serialVersionUID = 1L;

    public TokenNotFoundException(String id) {
        super("no token with id " + id);
    }
}
