package dev.latchkey.servlet.internal;

/** An error answer of the REST API, thrown inside request handling and written by {@link TokenApi}. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    /** 400 naming the offending field or query parameter. */
    public static ApiException invalid(String field, String message) {
        return new ApiException(400, "invalid_request", field + ": " + message, field);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The offending field, or null. */
    public String field() {
        return field;
    }
}
