package dev.latchkey.rest;

import dev.latchkey.core.Latchkey;
import dev.latchkey.rest.internal.TokenApi;
import dev.latchkey.servlet.ClientIpResolver;
import dev.latchkey.servlet.LatchkeyAttributes;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.spi.internal.SetOnce;
import dev.latchkey.servlet.internal.InitParams;
import dev.latchkey.spi.AuditLog;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The token management REST API (JSON), mounted by the host at {@code /rest/latchkey/1.0/*}; it routes on the
 * path info, so any mount point works.
 *
 * <ul>
 *   <li>{@code GET|POST /tokens}, {@code GET|PATCH|DELETE /tokens/{id}}, {@code POST /tokens/{id}/rotate}: the
 *       caller's own tokens;</li>
 *   <li>{@code GET|POST /admin/tokens}, {@code GET|DELETE /admin/tokens/{id}}, {@code POST /admin/tokens/revoke}:
 *       the token manager;</li>
 *   <li>{@code GET|PUT /admin/policy} (policy administrators) and {@code GET /admin/audit} (token managers and
 *       policy administrators; needs an {@link AuditLog}, otherwise 501).</li>
 * </ul>
 *
 * The caller is the host's authenticated user ({@code getRemoteUser()}); unauthenticated requests get 401. A
 * request authenticated by a token (request attribute {@value LatchkeyAttributes#TOKEN}) may manage tokens only
 * when the policy's {@code tokensMayManageTokens} allows it. Every body-carrying request must have
 * {@code Content-Type: application/json} (415 otherwise; this also keeps cross-site HTML forms out). Errors are
 * {@code {"error": code, "message": text}} plus {@code "field"} for 400s. Responses are never cached.
 *
 * <p>For {@code web.xml}: the engine comes from the context attribute {@value LatchkeyAttributes#LATCHKEY}, the
 * audit log from {@value LatchkeyAttributes#AUDIT_LOG} (or {@value LatchkeyAttributes#AUDIT_SINK} if that is an
 * {@link AuditLog}); init-params {@code trustedProxies} and {@code clientIpHeader} as for {@link LatchkeyFilter}
 * (behind the filter, the client IP it resolved is used anyway).
 *
 * <p>An instance from the builder is immutable and thread-safe.
 *
 * @since 0.1
 */
public final class TokenRestServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The default limit on a request body, in bytes. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    private static final Set<String> INIT_PARAMS = Set.of("trustedProxies", "clientIpHeader", "latchkeyAttribute");

    private transient volatile TokenApi api;

    /** For {@code web.xml}: the configuration is read in {@link #init()}. */
    public TokenRestServlet() {
    }

    private TokenRestServlet(TokenApi api) {
        this.api = api;
    }

    /**
     * A builder for a servlet using {@code latchkey}.
     *
     * @param latchkey the engine whose tokens and policy the API manages
     * @return a builder with the defaults
     * @throws NullPointerException if {@code latchkey} is null
     */
    public static Builder builder(Latchkey latchkey) {
        return new Builder(latchkey);
    }

    @Override
    public void init() throws ServletException {
        if (api != null) {
            return;
        }
        ServletConfig config = getServletConfig();
        InitParams params = InitParams.read("TokenRestServlet", config.getInitParameterNames(),
                config::getInitParameter, config.getServletContext(), INIT_PARAMS);
        Builder b = builder(params.engine());
        Object log = params.attribute(LatchkeyAttributes.AUDIT_LOG);
        if (!(log instanceof AuditLog)) {
            log = params.attribute(LatchkeyAttributes.AUDIT_SINK);
        }
        if (log instanceof AuditLog) {
            b.auditLog((AuditLog) log);
        }
        try {
            params.clientIpResolver().ifPresent(b::clientIpResolver);
        } catch (RuntimeException e) {
            throw new ServletException("TokenRestServlet is misconfigured: " + e.getMessage(), e);
        }
        api = b.api();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        TokenApi a = api;
        if (a == null) {
            res.sendError(503, "TokenRestServlet was not initialised");
            return;
        }
        a.handle(req, res);
    }

    /** Configures a {@link TokenRestServlet}. Each option may be set once. Not thread-safe. */
    public static final class Builder {
        private final Latchkey latchkey;
        private AuditLog auditLog;
        private ClientIpResolver ipResolver;
        private Clock clock;
        private Integer maxBody;

        private Builder(Latchkey latchkey) {
            this.latchkey = Objects.requireNonNull(latchkey, "latchkey");
        }


        /**
         * The queryable audit log behind {@code GET /admin/audit}. Default: the engine's audit sink when it is an
         * {@link AuditLog}; without one that endpoint answers 501.
         *
         * @param log the audit log to query
         * @return this builder
         * @throws NullPointerException  if {@code log} is null
         * @throws IllegalStateException if already set
         */
        public Builder auditLog(AuditLog log) {
            SetOnce.check(auditLog, "auditLog");
            this.auditLog = Objects.requireNonNull(log, "log");
            return this;
        }

        /**
         * How the client IP is found for the audit log when the request did not pass {@link LatchkeyFilter}
         * (which otherwise supplies it). Default: the peer address.
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
         * The clock for token states and query reference times. Default: the system UTC clock.
         *
         * @param clock the clock that says what "now" is
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
         * The largest request body accepted (413 above it). Default {@value TokenRestServlet#DEFAULT_MAX_BODY_BYTES}.
         *
         * @param bytes the largest body, in bytes
         * @return this builder
         * @throws IllegalArgumentException outside 1 KiB..16 MiB
         * @throws IllegalStateException if already set
         */
        public Builder maxBodyBytes(int bytes) {
            SetOnce.check(maxBody, "maxBodyBytes");
            if (bytes < 1024 || bytes > 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxBodyBytes must be 1024..16777216, was " + bytes);
            }
            this.maxBody = bytes;
            return this;
        }

        TokenApi api() {
            ClientIpResolver r = ipResolver != null ? ipResolver : ClientIpResolver.peerAddressOnly();
            // by default the engine's own sink serves GET /admin/audit when it can be queried (e.g. JdbcAuditLog)
            Optional<AuditLog> log = auditLog != null ? Optional.of(auditLog) : latchkey.auditLog();
            return new TokenApi(latchkey, log, r::resolve,
                    clock != null ? clock : Clock.systemUTC(), maxBody != null ? maxBody : DEFAULT_MAX_BODY_BYTES);
        }

        /**
         * Builds the servlet (immutable and thread-safe).
         *
         * @return the servlet, to be mounted by the host
         */
        public TokenRestServlet build() {
            return new TokenRestServlet(api());
        }
    }
}
