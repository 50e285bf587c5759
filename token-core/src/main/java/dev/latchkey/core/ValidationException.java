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
    private final String field;

    public ValidationException(String field, String message) {
        super(field + ": " + message);
        this.field = Objects.requireNonNull(field, "field");
    }

    /** The name of the offending field or setting. */
    public String field() {
        return field;
    }
}
