package dev.latchkey.servlet.internal;

/**
 * Every error code Latchkey's HTTP answers use — the filter, the REST API, the proxy and introspection endpoints —
 * with its HTTP status: one vocabulary (issue 16). The text is the {@code "error"} of the JSON body.
 */
public enum ErrorCode {
    /** 400: malformed credentials (RFC 6750), or a malformed REST request naming its field. */
    INVALID_REQUEST(400, "invalid_request", true),
    /** 401: the token is unknown, malformed, expired, revoked or may not be used from here (RFC 6750). */
    INVALID_TOKEN(401, "invalid_token", true),
    /** 401: a token is required here (a password, or no credential, was sent). */
    TOKEN_REQUIRED(401, "token_required", false),
    /** 401: the REST API needs a signed-in caller. */
    UNAUTHENTICATED(401, "unauthenticated", false),
    /** 401: the introspection caller's client credential is missing or wrong (RFC 6749 section 5.2). */
    INVALID_CLIENT(401, "invalid_client", false),
    /** 403: the token's scope does not cover the request (RFC 6750). */
    INSUFFICIENT_SCOPE(403, "insufficient_scope", true),
    /** 403: the caller may not do this (permission model or policy). */
    FORBIDDEN(403, "forbidden", false),
    /** 403: a password request from outside the global allowlist. */
    ADDRESS_NOT_ALLOWED(403, "address_not_allowed", false),
    /** 404. */
    NOT_FOUND(404, "not_found", false),
    /** 405, with {@code Allow}. */
    METHOD_NOT_ALLOWED(405, "method_not_allowed", false),
    /** 409: a limit or a concurrent change. */
    CONFLICT(409, "conflict", false),
    /** 413. */
    PAYLOAD_TOO_LARGE(413, "payload_too_large", false),
    /** 415. */
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type", false),
    /** 429, with {@code Retry-After}: the client address failed too often. */
    RATE_LIMITED(429, "rate_limited", false),
    /** 500: an unexpected failure (see the server log). */
    INTERNAL_ERROR(500, "internal_error", false),
    /** 501: e.g. no queryable audit log. */
    NOT_IMPLEMENTED(501, "not_implemented", false),
    /**
     * 503, with {@code Retry-After}: the token store cannot be reached (or Latchkey is not configured). The
     * registered OAuth 2.0 spelling (RFC 6749 section 4.1.2.1), in the filter and the REST API alike.
     */
    TEMPORARILY_UNAVAILABLE(503, "temporarily_unavailable", false);

    private final int status;
    private final String text;
    private final boolean bearerError;

    ErrorCode(int status, String text, boolean bearerError) {
        this.status = status;
        this.text = text;
        this.bearerError = bearerError;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The code as written in the JSON body and the challenge. */
    public String text() {
        return text;
    }

    /** Whether the code is an RFC 6750 error code, written into the Bearer challenge when one is sent. */
    public boolean bearerError() {
        return bearerError;
    }
}
