package dev.latchkey.core;

import dev.latchkey.spi.LatchkeyException;
import java.util.Objects;

/**
 * Input was invalid or broke the policy (a lifetime beyond the maximum, a bad CIDR, an unknown level). The
 * message names the field and says what is accepted; HTTP layers answer 400.
 *
 * @since 0.1
 */
public class ValidationException extends LatchkeyException {
    private static final long serialVersionUID = 1L;

    /** The name of the offending field or setting. */
    private final String field;

    /**
     * Creates the exception; its message is {@code field: message}.
     *
     * @param field   the name of the offending field or setting
     * @param message what is wrong with it and, where it helps, how to fix it; holds no secret
     * @throws NullPointerException if {@code field} is null
     */
    public ValidationException(String field, String message) {
        super(field + ": " + message);
        this.field = Objects.requireNonNull(field, "field");
    }

    /**
     * The name of the offending field or setting.
     *
     * @return the field or setting name
     */
    public String field() {
        return field;
    }
}
