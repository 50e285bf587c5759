package dev.latchkey.rest.internal;

import dev.latchkey.servlet.internal.AuthError;
import java.util.Objects;

/** An error answer of the REST API, thrown inside request handling and written by {@link TokenApi}. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient AuthError error;

    public ApiException(AuthError error) {
        super(error.message(), null, false, false);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** 400 naming the offending field or query parameter. */
    public static ApiException invalid(String field, String message) {
        return new ApiException(AuthError.invalidField(field, message));
    }

    /** The answer. */
    public AuthError error() {
        return error;
    }
}
