package dev.latchkey.rest;

import dev.latchkey.core.Latchkey;
import dev.latchkey.rest.internal.Introspector;
import dev.latchkey.servlet.ClientIpResolver;
import dev.latchkey.spi.internal.SetOnce;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Token introspection (RFC 7662) for resource servers: {@code POST} a form with {@code token=...}, authenticated
 * with HTTP Basic as one of the clients configured here. The answer is {@code {"active":false}} for anything
 * unknown, expired, revoked, malformed or not usable, with no hint why; for an active token it has
 * {@code active}, {@code username}, {@code sub}, {@code client_id} (the caller), {@code token_type},
 * {@code scope} (the level and {@code domain:LEVEL} pairs, space-separated), {@code exp}, {@code iat},
 * {@code jti} (the token id), and Latchkey's {@code latchkey_token_kind}, {@code latchkey_level},
 * {@code latchkey_domain_levels}, {@code latchkey_resources} and {@code latchkey_allowed_cidrs}.
 *
 * <p>A token limited to CIDRs is active only when the caller passes the end client's address in the extension
 * parameter {@code latchkey_client_ip} and it is inside them (the global allowlist likewise). Failed callers
 * count against the engine's failed-attempt limit (429 with {@code Retry-After}) and are audited as
 * {@code AUTHENTICATION_REFUSED}; refused tokens are audited by the engine. Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class IntrospectionServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final int MAX_BODY = 8192;

    private final transient Introspector introspector;
    private final transient ClientIpResolver ipResolver;

    private IntrospectionServlet(Builder b) {
        this.introspector = new Introspector(b.latchkey, b.clients, b.clock != null ? b.clock : Clock.systemUTC());
        this.ipResolver = b.ipResolver != null ? b.ipResolver : ClientIpResolver.peerAddressOnly();
    }

    /**
     * A builder for an endpoint answering from {@code latchkey}.
     *
     * @param latchkey the engine whose tokens are introspected
     * @return a builder with no client
     * @throws NullPointerException if {@code latchkey} is null
     */
    public static Builder builder(Latchkey latchkey) {
        return new Builder(latchkey);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (!"POST".equals(req.getMethod())) {
            res.setHeader("Allow", "POST");
            res.sendError(405);
            return;
        }
        Map<String, List<String>> form = readForm(req);
        Introspector.Answer answer = introspector.introspect(req.getHeader("Authorization"), ipResolver.resolve(req),
                form);
        if (answer.error() != null) {
            answer.error().write(res, "latchkey");
            return;
        }
        byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
        res.setStatus(200);
        res.setHeader("Cache-Control", "no-store");
        res.setContentType("application/json;charset=UTF-8");
        res.setContentLength(body.length);
        try (OutputStream out = res.getOutputStream()) {
            out.write(body);
        }
    }

    /** The form parameters, or null when the body is not a form, too long or malformed. */
    private static Map<String, List<String>> readForm(HttpServletRequest req) throws IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return null;
        }
        byte[] bytes;
        try (InputStream in = req.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            return null;
        }
        Map<String, List<String>> out = new HashMap<>();
        String body = new String(bytes, StandardCharsets.US_ASCII);
        if (body.isEmpty()) {
            return out;
        }
        try {
            for (String pair : body.split("&", -1)) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return out;
    }

    @Override
    public String toString() {
        return "IntrospectionServlet[ip=" + ipResolver + "]";
    }

    /** Configures an {@link IntrospectionServlet}; arguments are checked at once. Not thread-safe. */
    public static final class Builder {
        private final Latchkey latchkey;
        private final Map<String, byte[]> clients = new HashMap<>();
        private ClientIpResolver ipResolver;
        private Clock clock;

        private Builder(Latchkey latchkey) {
            this.latchkey = Objects.requireNonNull(latchkey, "latchkey");
        }

        /**
         * A resource server allowed to introspect: its client id and the SHA-256 digest of its secret (64 hex
         * digits, e.g. {@code printf %s "$SECRET" | sha256sum}), so the secret itself is not in the configuration.
         *
         * @param clientId        the resource server's client id, 1-128 characters without {@code :}
         * @param secretSha256Hex the SHA-256 digest of its client secret, in hex
         * @return this builder
         * @throws IllegalArgumentException if the id is blank or has ':', or the digest is not 64 hex digits
         * @throws IllegalStateException    if the id was already added
         * @throws NullPointerException if an argument is null
         */
        public Builder client(String clientId, String secretSha256Hex) {
            Objects.requireNonNull(clientId, "clientId");
            if (clientId.isBlank() || clientId.indexOf(':') >= 0 || clientId.length() > 128) {
                throw new IllegalArgumentException("clientId must be 1-128 characters without ':', was '"
                        + clientId + "'");
            }
            byte[] digest = Introspector.parseDigest(secretSha256Hex);
            if (clients.containsKey(clientId)) {
                throw new IllegalStateException("client '" + clientId + "' was already added");
            }
            clients.put(clientId, digest);
            return this;
        }

        /**
         * How the caller's address (for the failed-attempt limit) is found. Default: the peer address.
         *
         * @param resolver the resolver for the caller's address
         * @return this builder
         * @throws NullPointerException  if {@code resolver} is null
         * @throws IllegalStateException if already set
         */
        public Builder clientIpResolver(ClientIpResolver resolver) {
            SetOnce.check(ipResolver, "clientIpResolver");
            this.ipResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * The clock for audit timestamps. Default: the system UTC clock.
         *
         * @param clock the clock for audit timestamps
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
         * Builds the endpoint (immutable and thread-safe).
         *
         * @return the endpoint, to be mounted by the host
         * @throws IllegalStateException if no client was added (nobody could call it)
         */
        public IntrospectionServlet build() {
            if (clients.isEmpty()) {
                throw new IllegalStateException("no introspection client was added; add each resource server with "
                        + "client(id, secretSha256Hex)");
            }
            return new IntrospectionServlet(this);
        }
    }
}
