package dev.latchkey.servlet.internal;

import dev.latchkey.core.Decision;
import dev.latchkey.core.RefusalReason;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A refusal by the filter, as a value: status, RFC 6750 error code, a safe message and which challenges to
 * send. Made only by the factory methods here (the filter's entry point); {@link #write} turns it into the
 * response. Messages never contain anything the client sent.
 *
 * @param status      HTTP status
 * @param error       the error code in the JSON body (and, for Bearer errors, in {@code WWW-Authenticate})
 * @param message     a safe, human message
 * @param bearerError whether {@code error} goes into the Bearer challenge (RFC 6750 codes only)
 * @param challenge   whether to send {@code WWW-Authenticate} challenges at all
 * @param retryAfter  seconds for {@code Retry-After}, or 0 for none
 */
public record AuthError(int status, String error, String message, boolean bearerError, boolean challenge,
                        long retryAfter) {
    public AuthError {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(message, "message");
    }

    private AuthError(int status, String error, String message, boolean bearerError, boolean challenge) {
        this(status, error, message, bearerError, challenge, status == 503 ? 5 : 0);
    }

    private static final AuthError INVALID_TOKEN = new AuthError(401, "invalid_token",
            "The token is invalid, expired or revoked, or may not be used from here", true, true);
    private static final AuthError INSUFFICIENT_SCOPE = new AuthError(403, "insufficient_scope",
            "The token's scope does not allow this request", true, true);
    private static final AuthError UNAVAILABLE = new AuthError(503, "temporarily_unavailable",
            "Tokens cannot be checked right now; try again shortly", false, false);
    private static final AuthError TOKEN_REQUIRED = new AuthError(401, "token_required",
            "Password authentication is disabled for this URL; use an API token instead (as a Bearer token, "
                    + "or as the password of Basic authentication)", false, true);
    private static final AuthError ADDRESS_NOT_ALLOWED = new AuthError(403, "address_not_allowed",
            "Requests from this address are not allowed", false, false);
    private static final AuthError NOT_CONFIGURED = new AuthError(503, "temporarily_unavailable",
            "Token authentication is not configured", false, false);

    /** 400: the request's credentials are malformed, ambiguous or oversized. */
    public static AuthError invalidRequest(String description) {
        return new AuthError(400, "invalid_request", description, true, true);
    }

    /**
     * 429: the client address failed too often; no credential was checked. No challenge (trying another
     * credential now would not help), and the wait in whole seconds, at least one.
     */
    public static AuthError rateLimited(Duration retryAfter) {
        return new AuthError(429, "rate_limited", "Too many failed authentication attempts from this address; "
                + "retry later", false, false, Math.max(1, retryAfter.toSeconds()));
    }

    /** The answer for a refused token: 401, 403, 429 or 503. */
    public static AuthError refused(Decision.Refused refused) {
        if (refused.reason().isRateLimited()) {
            return rateLimited(refused.retryAfter().orElse(Duration.ofSeconds(1)));
        }
        return refused(refused.reason());
    }

    /** The answer for a refusal reason: 401, 403, 429 (waiting one second) or 503. */
    public static AuthError refused(RefusalReason reason) {
        if (reason.isRateLimited()) {
            return rateLimited(Duration.ofSeconds(1));
        }
        if (reason.isUnavailable()) {
            return UNAVAILABLE;
        }
        return reason.isInsufficientScope() ? INSUFFICIENT_SCOPE : INVALID_TOKEN;
    }

    private static final AuthError TOKEN_MISSING = new AuthError(401, "token_required",
            "An API token is required (as a Bearer token, or as the password of Basic authentication)", false, true);

    private static final AuthError INVALID_CLIENT = new AuthError(401, "invalid_client",
            "The introspection caller's client credential is missing or wrong", false, true);

    /** 401 for an introspection caller whose client credential is missing or wrong (RFC 6749 §5.2). */
    public static AuthError invalidClient() {
        return INVALID_CLIENT;
    }

    /** 401 without an RFC 6750 error code (none is due when no credential was sent): a token is required. */
    public static AuthError tokenMissing() {
        return TOKEN_MISSING;
    }

    /** 401: a password was sent where only tokens are accepted. */
    public static AuthError tokenRequired() {
        return TOKEN_REQUIRED;
    }

    /** 403: a password request from outside the global allowlist. */
    public static AuthError addressNotAllowed() {
        return ADDRESS_NOT_ALLOWED;
    }

    /** 503: the filter has no engine. */
    public static AuthError notConfigured() {
        return NOT_CONFIGURED;
    }

    /** Writes this error (unless the response is already committed). */
    public void write(HttpServletResponse response, String realm) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        if (challenge) {
            StringBuilder bearer = new StringBuilder(96).append("Bearer realm=\"").append(realm).append('"');
            if (bearerError) {
                bearer.append(", error=\"").append(error).append("\", error_description=\"")
                        .append(headerSafe(message)).append('"');
            }
            response.setHeader("WWW-Authenticate", bearer.toString());
            if (status == 401) {
                // lets git and browsers prompt for a user name and a token
                response.addHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
            }
        }
        if (retryAfter > 0) {
            response.setHeader("Retry-After", Long.toString(retryAfter));
        }
        byte[] body = ("{\"error\":\"" + Json.escape(error) + "\",\"message\":\"" + Json.escape(message) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }

    private static String headerSafe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '\'');
        }
        return b.toString();
    }
}
