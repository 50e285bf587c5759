package dev.latchkey.leaks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.core.Latchkey;
import dev.latchkey.leaks.internal.ReportSupport;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import dev.latchkey.spi.internal.SetOnce;

/**
 * GitLab's Token Revocation API for self-managed instances: {@code GET /v1/revocable_token_types} lists the
 * token types this host revokes, {@code POST /v1/revoke_tokens} with {@code [{"type","token","location"}]}
 * revokes each token of this host as leaked (204). Requests carry the configured shared secret in the
 * {@code Authorization} header (as is, or after {@code Bearer }), compared in constant time; a wrong or missing
 * secret is refused (401, audited, counted by the failed-attempt limit) and revokes nothing. Idempotent.
 * Map it at the base URL configured in GitLab ({@code /v1/...} follows). Thread-safe.
 */
public final class GitLabRevocationServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Latchkey latchkey;
    private final transient byte[] secretDigest;
    private final transient List<String> types;
    private final transient ReportSupport support;

    private GitLabRevocationServlet(Builder b) {
        this.latchkey = b.latchkey;
        this.secretDigest = sha256(b.secret);
        this.types = List.copyOf(b.types != null ? b.types : List.of("latchkey_personal_token", "latchkey_service_token"));
        this.support = new ReportSupport(b.latchkey, b.clock != null ? b.clock : Clock.systemUTC(), "gitlab", 1 << 20);
    }

    /**
     * A new builder for the endpoint of {@code latchkey}.
     *
     * @param latchkey the engine whose tokens are revoked
     * @return a builder with no shared secret
     * @throws NullPointerException if {@code latchkey} is null
     */
    public static Builder builder(Latchkey latchkey) {
        return new Builder(Objects.requireNonNull(latchkey, "latchkey"));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private boolean authorised(HttpServletRequest req) {
        String h = req.getHeader("Authorization");
        if (h == null) {
            return false;
        }
        String given = h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : h.strip();
        // digests first: equal lengths, so the comparison time says nothing about the secret's length either
        return MessageDigest.isEqual(sha256(given), secretDigest);
    }

    private String route(HttpServletRequest req) {
        String p = req.getPathInfo() != null ? req.getPathInfo() : req.getServletPath();
        return p == null ? "" : p;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!support.admit(req, resp)) {
            return;
        }
        if (!authorised(req)) {
            support.refuse(req, resp, "missing or wrong Authorization");
            return;
        }
        if (!route(req).endsWith("/v1/revocable_token_types")) {
            ReportSupport.error(resp, 404, "no such endpoint; GET /v1/revocable_token_types or POST /v1/revoke_tokens");
            return;
        }
        ReportSupport.json(resp, 200, Map.of("types", types));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!support.admit(req, resp)) {
            return;
        }
        if (!authorised(req)) {
            support.refuse(req, resp, "missing or wrong Authorization");
            return;
        }
        if (!route(req).endsWith("/v1/revoke_tokens")) {
            ReportSupport.error(resp, 404, "no such endpoint; GET /v1/revocable_token_types or POST /v1/revoke_tokens");
            return;
        }
        byte[] body = support.body(req, resp);
        if (body == null) {
            return;
        }
        JsonNode items = support.items(body, resp, 1000);
        if (items == null) {
            return;
        }
        for (JsonNode item : items) {
            latchkey.tokens().reportLeaked("gitlab", item.get("token").asText(),
                    ReportSupport.where(item.path("location").asText(null), "gitlab secret detection"));
        }
        resp.setStatus(204);
    }

    /** Configures the endpoint; the shared secret is required. Not thread-safe. */
    public static final class Builder {
        private final Latchkey latchkey;
        private String secret;
        private List<String> types;
        private Clock clock;

        private Builder(Latchkey latchkey) {
            this.latchkey = latchkey;
        }

        /**
         * The secret GitLab sends (its {@code token_revocation_token} setting): at least 32 characters.
         *
         * @param secret the shared secret
         * @return this builder
         * @throws IllegalArgumentException if shorter
         * @throws NullPointerException  if {@code secret} is null
         * @throws IllegalStateException if already set
         */
        public Builder sharedSecret(String secret) {
            SetOnce.checkSecret(this.secret, "sharedSecret");
            Objects.requireNonNull(secret, "secret");
            if (secret.length() < 32) {
                throw new IllegalArgumentException("the shared secret is " + secret.length()
                        + " characters; use at least 32 random characters");
            }
            this.secret = secret;
            return this;
        }

        /**
         * The type names listed by {@code revocable_token_types}. Default: latchkey_personal_token,
         * latchkey_service_token.
         *
         * @param types the type names GitLab may send
         * @return this builder
         * @throws NullPointerException     if {@code types} is null
         * @throws IllegalArgumentException if {@code types} is empty or holds a null or blank name
         * @throws IllegalStateException    if already set
         */
        public Builder tokenTypes(List<String> types) {
            SetOnce.check(this.types, "tokenTypes");
            Objects.requireNonNull(types, "types");
            if (types.isEmpty() || types.stream().anyMatch(t -> t == null || t.isBlank())) {
                throw new IllegalArgumentException("tokenTypes must be non-empty names");
            }
            this.types = List.copyOf(types);
            return this;
        }

        /**
         * The clock for audit times. Default: the system UTC clock.
         *
         * @param clock the clock for audit times
         * @return this builder
         * @throws NullPointerException  if {@code clock} is null
         * @throws IllegalStateException if already set
         */
        public Builder clock(Clock clock) {
            SetOnce.check(this.clock, "clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The servlet.
         *
         * @return the endpoint, to be mounted by the host
         * @throws IllegalStateException if no shared secret was set
         */
        public GitLabRevocationServlet build() {
            if (secret == null) {
                throw new IllegalStateException("no shared secret was set; set sharedSecret(...) to GitLab's "
                        + "token_revocation_token");
            }
            return new GitLabRevocationServlet(this);
        }
    }
}
