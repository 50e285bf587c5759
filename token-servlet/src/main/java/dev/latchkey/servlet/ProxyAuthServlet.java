package dev.latchkey.servlet;

import dev.latchkey.core.Latchkey;
import dev.latchkey.servlet.internal.AuthError;
import dev.latchkey.spi.internal.SetOnce;
import dev.latchkey.servlet.internal.CredentialResolver;
import dev.latchkey.servlet.internal.ProxyAuthorizer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * The proxy authorisation endpoint: nginx's {@code auth_request} (or Envoy's HTTP {@code ext_authz}) asks it,
 * for each request the proxy receives, whether the request's token may make it. The proxy describes the
 * original request in {@code X-Original-Method} and {@code X-Original-URI} and passes the client's
 * {@code Authorization} header; the client address is resolved by the {@link ClientIpResolver} (trust the
 * proxy's address and read the header it sets, e.g. {@code X-Real-IP}). Latchkey classifies and decides that
 * request as the filter would, and answers:
 * <ul>
 *   <li>200 with {@code X-Latchkey-User}, {@code X-Latchkey-Token-Id}, {@code X-Latchkey-Token-Kind},
 *       {@code X-Latchkey-Scope} (the effective level) and, for a token limited to resources,
 *       {@code X-Latchkey-Resources} — non-ASCII is percent-encoded;</li>
 *   <li>401 with the RFC 6750 {@code WWW-Authenticate} challenge (no token, a password, a bad token), 403
 *       {@code insufficient_scope} or {@code address_not_allowed}; 400 for a malformed original request or
 *       credential, 429 or 503 — nginx turns any status but 2xx, 401 and 403 into 500, so these fail closed.</li>
 * </ul>
 * The request body is never seen (the proxy does not forward it); a classifier that needs it decides without.
 * Mount it on a path only the proxy can reach. Immutable and thread-safe.
 */
public final class ProxyAuthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient ProxyAuthorizer authorizer;
    private final transient ClientIpResolver ipResolver;
    /**
     * The realm named in {@code WWW-Authenticate} challenges.
     */
    private final String realm;

    private ProxyAuthServlet(Builder b) {
        this.authorizer = new ProxyAuthorizer(b.latchkey, new CredentialResolver(
                LatchkeyFilter.DEFAULT_MAX_AUTHORIZATION_HEADER_LENGTH, false,
                b.latchkey.authenticator()::looksLikeToken));
        this.ipResolver = b.ipResolver != null ? b.ipResolver : ClientIpResolver.peerAddressOnly();
        this.realm = b.realm != null ? b.realm : "latchkey";
    }

    /**
     * A builder for an endpoint deciding with {@code latchkey}.
     *
     * @param latchkey the engine that decides
     * @return a builder with the default resolver and realm
     * @throws NullPointerException if {@code latchkey} is null
     */
    public static Builder builder(Latchkey latchkey) {
        return new Builder(latchkey);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        ProxyAuthorizer.Answer answer = authorizer.decide(req.getHeader(ProxyAuthorizer.ORIGINAL_METHOD),
                req.getHeader(ProxyAuthorizer.ORIGINAL_URI), req.getHeaders("Authorization"),
                ipResolver.resolve(req));
        if (answer.error() != null) {
            answer.error().write(res, realm);
            return;
        }
        res.setStatus(answer.status());
        res.setHeader("Cache-Control", "no-store");
        for (Map.Entry<String, String> h : answer.headers().entrySet()) {
            res.setHeader(h.getKey(), h.getValue());
        }
        res.setContentLength(0);
    }

    @Override
    public String toString() {
        return "ProxyAuthServlet[ip=" + ipResolver + ", realm=" + realm + "]";
    }

    /** Configures a {@link ProxyAuthServlet}. Each option may be set once; arguments are checked at once. */
    public static final class Builder {
        private final Latchkey latchkey;
        private ClientIpResolver ipResolver;
        private String realm;

        private Builder(Latchkey latchkey) {
            this.latchkey = Objects.requireNonNull(latchkey, "latchkey");
        }

        /**
         * How the client address is found: trust the proxy and read the header it sets (nginx:
         * {@code proxy_set_header X-Real-IP $remote_addr}). Default: the peer address only (the proxy's).
         *
         * @param resolver the resolver for the client's address
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
         * The realm in {@code WWW-Authenticate} challenges. Default {@code latchkey}.
         *
         * @param realm the realm, 1-64 printable ASCII characters without {@code "} or {@code \}
         * @return this builder
         * @throws NullPointerException     if {@code realm} is null
         * @throws IllegalArgumentException if {@code realm} breaks that rule
         * @throws IllegalStateException    if already set
         */
        public Builder realm(String realm) {
            SetOnce.check(this.realm, "realm");
            this.realm = AuthError.checkRealm(realm);
            return this;
        }

        /**
         * Builds the endpoint (immutable and thread-safe).
         *
         * @return the endpoint, to be mounted by the host
         */
        public ProxyAuthServlet build() {
            return new ProxyAuthServlet(this);
        }
    }
}
