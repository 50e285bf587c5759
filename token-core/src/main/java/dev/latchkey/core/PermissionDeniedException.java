package dev.latchkey.core;

import dev.latchkey.spi.LatchkeyException;

/**
 * The actor is not allowed to do this by the permission model or policy; HTTP layers answer 403.
 *
 * @since 0.1
 */
public class PermissionDeniedException extends LatchkeyException {
    private static final long serialVersionUID = 1L;

    public PermissionDeniedException(String message) {
        super(message);
    }
}
