package dev.latchkey.servlet.internal;

import dev.latchkey.core.Decision;
import dev.latchkey.core.PasswordDecision;
import dev.latchkey.core.PasswordRefusal;
import dev.latchkey.core.RefusalReason;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An error answer as a value, and the one factory for every error Latchkey's HTTP side gives (issue 16): the filter,
 * the REST API, the proxy authorisation and introspection endpoints. The code fixes the status ({@link ErrorCode});
 * the factory methods here fix each rule's message; {@link #write} turns it into the response: status,
 * {@code Cache-Control: no-store}, the RFC 6750 challenges when due, {@code Retry-After}, and the body
 * {@code {"error": code, "message": text}} (plus {@code "field"} when a field is named). Messages never contain
 * anything the client sent unless the caller escaped it ({@code SafeText}).
 *
 * @param code       the error code (and so the status)
 * @param message    a safe, human message
 * @param field      the offending field or query parameter of a REST request, or null
 * @param challenge  whether to send {@code WWW-Authenticate} challenges (Bearer with the RFC 6750 code when the
 *                   code is one, and Basic on 401s so git and browsers prompt)
 * @param retryAfter seconds for {@code Retry-After}, or 0 for none
 */
public record AuthError(ErrorCode code, String message, String field, boolean challenge, long retryAfter) {
    /** What a realm may be: 1-64 printable ASCII characters without {@code "} or {@code \}. */
    private static final Pattern REALM = Pattern.compile("[\\x20-\\x7e&&[^\"\\\\]]{1,64}");
    private static final long UNAVAILABLE_RETRY_SECONDS = 5;

    public AuthError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    private static AuthError of(ErrorCode code, String message, boolean challenge) {
        return new AuthError(code, message, null, challenge,
                code == ErrorCode.TEMPORARILY_UNAVAILABLE ? UNAVAILABLE_RETRY_SECONDS : 0);
    }

    private static final AuthError INVALID_TOKEN = of(ErrorCode.INVALID_TOKEN,
            "The token is invalid, expired or revoked, or may not be used from here", true);
    private static final AuthError INSUFFICIENT_SCOPE = of(ErrorCode.INSUFFICIENT_SCOPE,
            "The token's scope does not allow this request", true);
    private static final AuthError STORE_UNAVAILABLE = of(ErrorCode.TEMPORARILY_UNAVAILABLE,
            "The token store cannot be reached; try again shortly", false);
    private static final AuthError TOKEN_REQUIRED = of(ErrorCode.TOKEN_REQUIRED,
            "Password authentication is disabled for this URL; use an API token instead (as a Bearer token, "
                    + "or as the password of Basic authentication)", true);
    private static final AuthError TOKEN_MISSING = of(ErrorCode.TOKEN_REQUIRED,
            "An API token is required (as a Bearer token, or as the password of Basic authentication)", true);
    private static final AuthError ADDRESS_NOT_ALLOWED = of(ErrorCode.ADDRESS_NOT_ALLOWED,
            "Requests from this address are not allowed", false);
    private static final AuthError NOT_CONFIGURED = of(ErrorCode.TEMPORARILY_UNAVAILABLE,
            "Token authentication is not configured", false);
    private static final AuthError INVALID_CLIENT = of(ErrorCode.INVALID_CLIENT,
            "The introspection caller's client credential is missing or wrong", true);
    private static final AuthError UNAUTHENTICATED = of(ErrorCode.UNAUTHENTICATED,
            "Sign in first: this API uses the application's own authentication", true);
    private static final AuthError INTERNAL = of(ErrorCode.INTERNAL_ERROR,
            "An unexpected error occurred; see the server log", false);

    /** The HTTP status (the code's). */
    public int status() {
        return code.status();
    }

    /** The error code as written ({@code invalid_token}, ...). */
    public String error() {
        return code.text();
    }

    // ------------------------------------------------------------------ authentication (filter, endpoints)

    /** 400: the request's credentials are malformed, ambiguous or oversized (RFC 6750 {@code invalid_request}). */
    public static AuthError invalidRequest(String description) {
        return of(ErrorCode.INVALID_REQUEST, description, true);
    }

    /**
     * 429: the client address failed too often; no credential was checked. No challenge (trying another
     * credential now would not help), and the wait in whole seconds, at least one.
     */
    public static AuthError rateLimited(Duration retryAfter) {
        return new AuthError(ErrorCode.RATE_LIMITED, "Too many failed authentication attempts from this address; "
                + "retry later", null, false, Math.max(1, retryAfter.toSeconds()));
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
            return STORE_UNAVAILABLE;
        }
        return reason.isInsufficientScope() ? INSUFFICIENT_SCOPE : INVALID_TOKEN;
    }

    /** 401 for an introspection caller whose client credential is missing or wrong (RFC 6749 §5.2). */
    public static AuthError invalidClient() {
        return INVALID_CLIENT;
    }

    /** 401 {@code token_required} when no credential was sent where a token is required (no RFC 6750 code is due). */
    public static AuthError tokenMissing() {
        return TOKEN_MISSING;
    }

    /** 401: a password was sent where only tokens are accepted. */
    public static AuthError tokenRequired() {
        return TOKEN_REQUIRED;
    }

    /**
     * The answer for a password the engine's gate refused: 401 {@code token_required} (passwords disabled, or a
     * token required), 403 {@code address_not_allowed} (outside the global allowlist) or 429.
     *
     * @throws IllegalArgumentException for {@link PasswordDecision.ToHost}: the host answers that password
     */
    public static AuthError refused(PasswordDecision decision) {
        if (decision instanceof PasswordDecision.RateLimited limited) {
            return rateLimited(limited.retryAfter());
        }
        if (decision instanceof PasswordDecision.Refused refused) {
            return refused.reason() == PasswordRefusal.IP_NOT_ALLOWED ? ADDRESS_NOT_ALLOWED : TOKEN_REQUIRED;
        }
        throw new IllegalArgumentException("a password that goes to the host has no answer of Latchkey's");
    }

    /** 503: the filter has no engine. */
    public static AuthError notConfigured() {
        return NOT_CONFIGURED;
    }

    // ------------------------------------------------------------------ the REST API

    /** 400 naming the offending field or query parameter ({@code field: message}). */
    public static AuthError invalidField(String field, String message) {
        return new AuthError(ErrorCode.INVALID_REQUEST, field + ": " + message, field, false, 0);
    }

    /** 400 for an argument the engine refused, whose message already names it; {@code field} may be null. */
    public static AuthError invalid(String message, String field) {
        return new AuthError(ErrorCode.INVALID_REQUEST, message, field, false, 0);
    }

    /** 401: the REST API has no signed-in caller. */
    public static AuthError unauthenticated() {
        return UNAUTHENTICATED;
    }

    /** 403: the permission model or the policy refuses the caller. */
    public static AuthError forbidden(String message) {
        return of(ErrorCode.FORBIDDEN, message, false);
    }

    /** 404. */
    public static AuthError notFound(String message) {
        return of(ErrorCode.NOT_FOUND, message, false);
    }

    /** 405 (the caller sets {@code Allow}). */
    public static AuthError methodNotAllowed(String allow) {
        return of(ErrorCode.METHOD_NOT_ALLOWED, "this resource accepts " + allow, false);
    }

    /** 409: a limit or a concurrent change. */
    public static AuthError conflict(String message) {
        return of(ErrorCode.CONFLICT, message, false);
    }

    /** 413. */
    public static AuthError payloadTooLarge(int maxBytes) {
        return of(ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than " + maxBytes + " bytes", false);
    }

    /** 415: a body without {@code Content-Type: application/json}. */
    public static AuthError unsupportedMediaType() {
        return of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the request with Content-Type: application/json", false);
    }

    /** 501. */
    public static AuthError notImplemented(String message) {
        return of(ErrorCode.NOT_IMPLEMENTED, message, false);
    }

    /** 503: the token store cannot be reached (the same answer as the filter's). */
    public static AuthError storeUnavailable() {
        return STORE_UNAVAILABLE;
    }

    /** 500: an unexpected failure; the details are in the server log only. */
    public static AuthError internal() {
        return INTERNAL;
    }

    // ------------------------------------------------------------------ writing

    /**
     * Checks a realm for {@code WWW-Authenticate}.
     *
     * @return {@code realm}
     * @throws IllegalArgumentException unless 1-64 printable ASCII characters without {@code "} or {@code \}
     */
    public static String checkRealm(String realm) {
        Objects.requireNonNull(realm, "realm");
        if (!REALM.matcher(realm).matches()) {
            throw new IllegalArgumentException("realm must be 1-64 printable ASCII characters without '\"' or '\\'");
        }
        return realm;
    }

    /** Writes this error (unless the response is already committed). */
    public void write(HttpServletResponse response, String realm) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(code.status());
        response.setHeader("Cache-Control", "no-store");
        if (challenge) {
            StringBuilder bearer = new StringBuilder(96).append("Bearer realm=\"").append(realm).append('"');
            if (code.bearerError()) {
                bearer.append(", error=\"").append(code.text()).append("\", error_description=\"")
                        .append(headerSafe(message)).append('"');
            }
            response.setHeader("WWW-Authenticate", bearer.toString());
            if (code.status() == 401) {
                // lets git and browsers prompt for a user name and a token
                response.addHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
            }
        }
        if (retryAfter > 0) {
            response.setHeader("Retry-After", Long.toString(retryAfter));
        }
        StringBuilder json = new StringBuilder(64 + message.length()).append("{\"error\":\"")
                .append(Json.escape(code.text())).append("\",\"message\":\"").append(Json.escape(message)).append('"');
        if (field != null) {
            json.append(",\"field\":\"").append(Json.escape(field)).append('"');
        }
        byte[] body = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
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
