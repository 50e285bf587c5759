package dev.latchkey.servlet;

import dev.latchkey.core.Decision;
import dev.latchkey.core.ForeignBearerRule;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.PasswordDecision;
import dev.latchkey.core.PasswordGate;
import dev.latchkey.core.PasswordRules;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.servlet.internal.AuthError;
import dev.latchkey.servlet.internal.BufferedBodyRequest;
import dev.latchkey.spi.internal.SetOnce;
import dev.latchkey.servlet.internal.CredentialResolver;
import dev.latchkey.servlet.internal.InitParams;
import dev.latchkey.servlet.internal.Presented;
import dev.latchkey.servlet.internal.TokenAuthenticatedRequest;
import dev.latchkey.spi.AuditSink;
import dev.latchkey.spi.UserDirectory;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates requests that present an API token, in front of the host's own authentication.
 *
 * <ul>
 *   <li>{@code Authorization: Bearer <token>}, or {@code Authorization: Basic} with the token as the
 *       password (personal tokens: the user name must be the owner unless the engine was built with
 *       {@code basicUsernameMustMatch(false)}; service tokens: {@value LatchkeyAttributes#SERVICE_BASIC_USERNAME}).
 *       A header whose scheme any host could read as Bearer or Basic (any case, leading white space, any one
 *       separator: {@code Basic:..}, {@code bearer\t..}) is always Latchkey's, read as exactly that or refused
 *       with 400 — except a foreign Bearer credential ({@link ForeignBearerRule}: plain {@code Bearer <value>}
 *       whose value does not carry this host's token prefixes, such as the host's own JWT), which passes to the
 *       host untouched unless {@link Builder#claimAllBearerTokens()} was set or the path needs a token
 *       ({@link Builder#requireTokenFor}). Other schemes are left to the host.</li>
 *   <li>Accepted: the request continues wrapped, so {@code getRemoteUser()} / {@code getUserPrincipal()} are
 *       the token's principal, {@code getAuthType()} is {@code Bearer} or {@code BASIC}, {@code isUserInRole}
 *       answers from the owner's directory groups, and the request attribute {@value LatchkeyAttributes#TOKEN}
 *       holds the {@link dev.latchkey.core.TokenInfo}. The credential is consumed: the {@code Authorization}
 *       header is hidden from the rest of the chain, so the host's own Bearer or Basic authentication never sees
 *       it. No HTTP session is created.</li>
 *   <li>Refused: 401 {@code invalid_token} (with Bearer and Basic challenges), 403 {@code insufficient_scope},
 *       503 when the store cannot be reached; several, broken or oversized credentials: 400
 *       {@code invalid_request}. The body is {@code {"error": code, "message": text}}; the precise reason goes
 *       to the audit log and the DEBUG log.</li>
 *   <li>No token: the request passes through untouched, unless the path needs a token
 *       ({@link Builder#requireTokenFor}: 401 {@code token_required}), password authentication is disabled for the
 *       path ({@link Builder#disablePasswordAuthFor}) or the global allowlist applies to it
 *       ({@link Builder#applyGlobalAllowlistToPasswordAuth}). These rules are the engine's
 *       ({@link dev.latchkey.core.PasswordGate}, with its directory cache, failed-attempt limit and audit): the
 *       filter only reads the credential and the client address, asks, and writes the answer.</li>
 * </ul>
 *
 * <p>Register it programmatically with {@link #builder(Latchkey)}, or declaratively in {@code web.xml} with
 * the engine in the servlet-context attribute {@value LatchkeyAttributes#LATCHKEY} and these optional
 * init-params: {@code trustedProxies} (comma-separated CIDRs), {@code clientIpHeader}
 * ({@code X-Forwarded-For}, {@code Forwarded}, {@code X-Real-IP} or a custom name),
 * {@code passwordAuthDisabledPaths}, {@code passwordAuthExemptUsers}, {@code passwordAuthExemptGroups},
 * {@code passwordAuthAllowlistPaths}, {@code requireTokenFor} (comma-separated), {@code allowTokensInQueryString}
 * and {@code claimAllBearerTokens} ({@code true} or {@code false}),
 * {@code maxAuthorizationHeaderLength}, {@code realm}, and {@code latchkeyAttribute} (another context
 * attribute name for the engine). The audit sink and user directory come from the context attributes
 * {@value LatchkeyAttributes#AUDIT_SINK} (or {@value LatchkeyAttributes#AUDIT_LOG}) and
 * {@value LatchkeyAttributes#USER_DIRECTORY}. Unknown init-params fail {@code init}.
 *
 * <p>A filter from the builder is immutable and thread-safe.
 */
public final class LatchkeyFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(LatchkeyFilter.class);
    /** The default limit on a Bearer or Basic Authorization header, in characters. */
    public static final int DEFAULT_MAX_AUTHORIZATION_HEADER_LENGTH = 8192;
    private static final Set<String> INIT_PARAMS = Set.of("latchkeyAttribute", "trustedProxies", "clientIpHeader",
            "passwordAuthDisabledPaths", "passwordAuthExemptUsers", "passwordAuthExemptGroups",
            "passwordAuthAllowlistPaths", "requireTokenFor", "allowTokensInQueryString", "claimAllBearerTokens",
            "maxAuthorizationHeaderLength", "realm");

    private volatile Settings settings;

    /** For {@code web.xml}: the configuration is read in {@link #init(FilterConfig)}. */
    public LatchkeyFilter() {
    }

    private LatchkeyFilter(Settings settings) {
        this.settings = settings;
    }

    /**
     * A builder for a filter using {@code latchkey}.
     *
     * @param latchkey the engine that decides on tokens
     * @return a builder with the defaults
     */
    public static Builder builder(Latchkey latchkey) {
        return new Builder(latchkey);
    }

    /**
     * @param credentials reads credentials, leaving foreign Bearer ones to the host (unless claiming all)
     * @param everyBearer reads credentials claiming every Bearer header: on paths that need a token
     * @param passwords   the engine's gate for passwords, with the paths that need a token
     * @param directory   the owner's groups for {@code isUserInRole} on requests a token authenticated
     */
    private record Settings(Latchkey latchkey, ClientIpResolver ipResolver, CredentialResolver credentials,
                            CredentialResolver everyBearer, PasswordGate passwords, UserDirectory directory,
                            String realm) {
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        if (settings != null) {
            return; // built programmatically
        }
        try {
            settings = fromInitParams(config);
        } catch (RuntimeException e) {
            throw new ServletException("LatchkeyFilter '" + config.getFilterName() + "' is misconfigured: "
                    + e.getMessage(), e);
        }
    }

    private static Settings fromInitParams(FilterConfig config) throws ServletException {
        InitParams params = InitParams.read("LatchkeyFilter '" + config.getFilterName() + "'",
                config.getInitParameterNames(), config::getInitParameter, config.getServletContext(), INIT_PARAMS);
        Builder b = builder(params.engine());
        params.clientIpResolver().ifPresent(b::clientIpResolver);
        params.list("passwordAuthDisabledPaths").ifPresent(l -> b.disablePasswordAuthFor(l.toArray(String[]::new)));
        params.list("passwordAuthExemptUsers").ifPresent(l -> b.passwordAuthExemptUsers(l.toArray(String[]::new)));
        params.list("passwordAuthExemptGroups").ifPresent(l -> b.passwordAuthExemptGroups(l.toArray(String[]::new)));
        params.list("passwordAuthAllowlistPaths")
                .ifPresent(l -> b.applyGlobalAllowlistToPasswordAuth(l.toArray(String[]::new)));
        params.list("requireTokenFor").ifPresent(l -> b.requireTokenFor(l.toArray(String[]::new)));
        if (params.flag("allowTokensInQueryString")) {
            b.allowTokensInQueryString();
        }
        if (params.flag("claimAllBearerTokens")) {
            b.claimAllBearerTokens();
        }
        params.integer("maxAuthorizationHeaderLength").ifPresent(b::maxAuthorizationHeaderLength);
        params.get("realm").ifPresent(b::realm);
        Object sink = params.attribute(LatchkeyAttributes.AUDIT_SINK);
        if (sink == null) {
            sink = params.attribute(LatchkeyAttributes.AUDIT_LOG);
        }
        if (sink instanceof AuditSink) {
            b.auditSink((AuditSink) sink);
        }
        Object dir = params.attribute(LatchkeyAttributes.USER_DIRECTORY);
        if (dir instanceof UserDirectory) {
            b.userDirectory((UserDirectory) dir);
        }
        return b.settings();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest) || !(response instanceof HttpServletResponse)) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        Settings s = settings;
        if (s == null) {
            LOG.error("LatchkeyFilter was not initialised; refusing the request");
            AuthError.notConfigured().write(res, "latchkey");
            return;
        }
        if (req.getAttribute(LatchkeyAttributes.TOKEN) != null) {
            chain.doFilter(request, response); // already authenticated (another dispatch, or registered twice)
            return;
        }
        String path = path(req); // once per request: every step below decides on the same path
        boolean required = s.passwords().rules().requiresToken(path);
        Presented presented = (required ? s.everyBearer() : s.credentials())
                .resolve(req.getHeaders("Authorization"), req.getQueryString());
        if (presented instanceof Presented.Token) {
            authenticate(s, (Presented.Token) presented, path, req, res, chain);
        } else if (presented instanceof Presented.Password) {
            password(s, ((Presented.Password) presented).username(), path, req, res, chain);
        } else if (presented instanceof Presented.Invalid) {
            String why = ((Presented.Invalid) presented).description();
            if (LOG.isDebugEnabled()) {
                LOG.debug("invalid credentials on {} {}: {}", req.getMethod(), safe(s, path), why);
            }
            AuthError.invalidRequest(why).write(res, s.realm());
        } else if (required) {
            AuthError.tokenMissing().write(res, s.realm()); // nothing, or another scheme, where a token is needed
        } else {
            chain.doFilter(request, response); // no credential, another scheme, or a foreign Bearer: the host's
        }
    }

    private void authenticate(Settings s, Presented.Token token, String path, HttpServletRequest req,
                              HttpServletResponse res, FilterChain chain) throws IOException, ServletException {
        String ip = s.ipResolver().resolve(req);
        String query = req.getQueryString();
        RequestFacts facts = new RequestFacts(req.getMethod(), path, query == null ? "" : query, ip);
        if (s.latchkey().authenticator().needsBody(facts.method(), facts.path())) {
            BufferedBodyRequest buffered = BufferedBodyRequest.read(req, BufferedBodyRequest.LIMIT);
            req = buffered; // the host still reads the whole body
            facts = facts.withBody(buffered::body);
        }
        Decision decision = s.latchkey().authenticator().authenticate(token.credential(), facts);
        if (decision instanceof Decision.Allowed) {
            Decision.Allowed allowed = (Decision.Allowed) decision;
            TokenAuthenticatedRequest wrapped = new TokenAuthenticatedRequest(req, allowed.principal(),
                    token.authType(), allowed.token(), s.directory());
            wrapped.setAttribute(LatchkeyAttributes.TOKEN, allowed.token());
            wrapped.setAttribute(LatchkeyAttributes.CLIENT_IP, ip);
            chain.doFilter(wrapped, res);
            return;
        }
        // the engine wrote the one DEBUG line for this refusal, and audited it
        AuthError.refused((Decision.Refused) decision).write(res, s.realm());
    }

    /**
     * A password: the host's, unless the engine's gate refuses it (the path needs a token, disables passwords or
     * applies the allowlist). The gate logs and audits a refusal; the answer is written here.
     */
    private void password(Settings s, String username, String path, HttpServletRequest req, HttpServletResponse res,
                          FilterChain chain) throws IOException, ServletException {
        if (!s.passwords().rules().restricts(path)) {
            chain.doFilter(req, res); // the usual case: no rule concerns the path, so no client address is needed
            return;
        }
        PasswordDecision decision = s.passwords().decide(username,
                RequestFacts.of(req.getMethod(), path, s.ipResolver().resolve(req)));
        if (decision.toHost()) {
            chain.doFilter(req, res);
            return;
        }
        AuthError.refused(decision).write(res, s.realm());
    }

    /** The context-relative path the host routes on: servlet path + path info. */
    static String path(HttpServletRequest req) {
        String sp = req.getServletPath();
        String pi = req.getPathInfo();
        String p = sp == null ? "" : sp;
        if (pi != null) {
            p = p.isEmpty() ? pi : p + pi;
        }
        return p.isEmpty() ? "/" : p;
    }

    /** Caller text for a log line or audit event: this host's token shapes masked, bounded, escaped. */
    private static String safe(Settings s, String text) {
        return SafeText.forAudit(text, s.latchkey().tokenFormat());
    }

    /**
     * Writes this filter's answer to a token refused for {@code reason}, exactly as {@link #doFilter} answers one:
     * the status and code of Latchkey's one error vocabulary, the RFC 6750 challenges with this filter's realm,
     * {@code Cache-Control: no-store}, {@code Retry-After} when due, and the JSON body. For an integration that
     * refuses a token after this filter accepted it (the Spring filter, when the owner cannot be loaded), so that
     * its answer cannot drift from the filter's.
     *
     * @param response the response, unless already committed
     * @param reason   why the token is refused
     * @throws IOException when the response cannot be written
     */
    public void refuse(HttpServletResponse response, RefusalReason reason) throws IOException {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(reason, "reason");
        Settings s = settings;
        if (s == null) {
            AuthError.notConfigured().write(response, "latchkey");
            return;
        }
        AuthError.refused(reason).write(response, s.realm());
    }

    @Override
    public void destroy() {
        // the engine belongs to the host; nothing to release
    }

    @Override
    public String toString() {
        Settings s = settings;
        return s == null ? "LatchkeyFilter[not initialised]"
                : "LatchkeyFilter[ip=" + s.ipResolver() + ", " + s.passwords().rules() + ", realm=" + s.realm() + "]";
    }

    /**
     * Configures a {@link LatchkeyFilter}. Each option may be set once ({@link IllegalStateException}
     * otherwise); arguments are checked at once. Not thread-safe.
     */
    public static final class Builder {
        private final Latchkey latchkey;
        private final PasswordRules.Builder passwords = PasswordRules.builder(); // checks and keeps the password rules
        private ClientIpResolver ipResolver;
        private UserDirectory directory;
        private String realm;
        private Integer maxHeader;
        private Boolean allowQuery;
        private Boolean claimAllBearer;

        private Builder(Latchkey latchkey) {
            this.latchkey = Objects.requireNonNull(latchkey, "latchkey");
        }

        /**
         * How the client IP is found. Default: {@link ClientIpResolver#peerAddressOnly()}.
         *
         * @param resolver the resolver for the client's address
         * @return this builder
         */
        public Builder clientIpResolver(ClientIpResolver resolver) {
            SetOnce.check(ipResolver, "clientIpResolver");
            this.ipResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * These servlet URL patterns ({@code /api/*}, {@code /exact}, {@code *.json}, {@code /*}) need a token: a
         * request there without one gets 401 {@code token_required} with the Bearer and Basic challenges; a
         * password gets the same and is audited ({@code PASSWORD_AUTH_REFUSED}, reason
         * {@code PASSWORD_AUTH_DISABLED}; break-glass exemptions do not apply here); every Bearer credential is
         * Latchkey's here, so a foreign one is refused as {@code invalid_token}. Default: none.
         *
         * @param pathPatterns the servlet URL patterns that need a token
         * @return this builder
         * @throws IllegalArgumentException if a pattern is not a servlet URL pattern
         */
        public Builder requireTokenFor(String... pathPatterns) {
            passwords.requireTokenFor(pathPatterns);
            return this;
        }

        /**
         * Claim every {@code Authorization: Bearer} header, as before issue 11: a Bearer value that is not one of
         * this host's tokens is refused with 401 {@code invalid_token} instead of passing to the host. Use it when the
         * host has no Bearer authentication of its own. Default: foreign Bearer credentials pass untouched (see
         * {@link ForeignBearerRule}).
         *
         * @return this builder
         */
        public Builder claimAllBearerTokens() {
            SetOnce.check(claimAllBearer, "claimAllBearerTokens");
            this.claimAllBearer = true;
            return this;
        }

        /**
         * Refuse password Basic authentication on these servlet URL patterns (context-relative:
         * {@code /rest/*}, {@code /exact}, {@code *.json}, {@code /*}): a Basic credential whose password is not a
         * token gets 401 {@code token_required}, audited as {@code PASSWORD_AUTH_REFUSED}. Default: none.
         *
         * @param pathPatterns the servlet URL patterns where passwords are refused
         * @return this builder
         * @throws IllegalArgumentException if a pattern is not a servlet URL pattern
         */
        public Builder disablePasswordAuthFor(String... pathPatterns) {
            passwords.disablePasswordAuthFor(pathPatterns);
            return this;
        }

        /**
         * Users who may still use their password where it is disabled (break-glass administrators).
         *
         * @param users the exempt user names
         * @return this builder
         */
        public Builder passwordAuthExemptUsers(String... users) {
            passwords.passwordAuthExemptUsers(users);
            return this;
        }

        /**
         * Active members of these groups may still use their password where it is disabled (looked up in
         * {@link #userDirectory(UserDirectory)}, by default in the engine's directory through its directory cache, so
         * a change shows within the engine's {@code directoryCacheTtl}).
         *
         * @param groups the exempt groups
         * @return this builder
         */
        public Builder passwordAuthExemptGroups(String... groups) {
            passwords.passwordAuthExemptGroups(groups);
            return this;
        }

        /**
         * The user directory for {@link #passwordAuthExemptGroups} and for {@code isUserInRole} on requests a token
         * authenticated (the owner's groups). Default: the engine's, through its directory cache
         * ({@code Latchkey.cachedDirectory()}). A directory set here is asked on every check, bypassing that cache.
         *
         * @param directory the directory to look users' groups up in
         * @return this builder
         */
        public Builder userDirectory(UserDirectory directory) {
            passwords.userDirectory(Objects.requireNonNull(directory, "directory"));
            this.directory = directory;
            return this;
        }

        /**
         * Also apply the policy's global IP allowlist ({@code globalAllowedCidrs}) to password Basic requests on
         * these servlet URL patterns: from outside it they get 403 {@code address_not_allowed}, audited as
         * {@code PASSWORD_AUTH_REFUSED}. Exempt users are not exempt from this. Off by default (an empty allowlist
         * also means no limit).
         *
         * @param pathPatterns the servlet URL patterns where password requests must come from the allowlist
         * @return this builder
         */
        public Builder applyGlobalAllowlistToPasswordAuth(String... pathPatterns) {
            passwords.applyGlobalAllowlistToPasswordAuth(pathPatterns);
            return this;
        }

        /**
         * Where refused password requests are audited. Default: the engine's refusal queue
         * ({@code Latchkey.refusalAuditSink()}): the same audit log as everything else, written off the request
         * thread.
         *
         * @param sink the sink for refused password requests
         * @return this builder
         */
        public Builder auditSink(AuditSink sink) {
            passwords.auditSink(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        /**
         * The clock for the timestamps of refused-password audit events. Default: the engine's clock.
         *
         * @param clock the clock for audit timestamps
         * @return this builder
         */
        public Builder clock(Clock clock) {
            passwords.clock(Objects.requireNonNull(clock, "clock"));
            return this;
        }

        /**
         * The realm in {@code WWW-Authenticate} challenges. Default {@code latchkey}.
         *
         * @param realm the realm, 1-64 printable ASCII characters without {@code "} or {@code \}
         * @return this builder
         */
        public Builder realm(String realm) {
            SetOnce.check(this.realm, "realm");
            this.realm = AuthError.checkRealm(realm);
            return this;
        }

        /**
         * The longest Bearer or Basic {@code Authorization} header accepted; longer ones get 400. Default
         * {@value LatchkeyFilter#DEFAULT_MAX_AUTHORIZATION_HEADER_LENGTH} characters.
         *
         * @param chars the longest header, in characters
         * @return this builder
         * @throws IllegalArgumentException outside 256..65536
         */
        public Builder maxAuthorizationHeaderLength(int chars) {
            SetOnce.check(maxHeader, "maxAuthorizationHeaderLength");
            if (chars < 256 || chars > 65536) {
                throw new IllegalArgumentException("maxAuthorizationHeaderLength must be 256..65536, was " + chars);
            }
            this.maxHeader = chars;
            return this;
        }

        /**
         * Accept a token in the {@code access_token} query parameter. Dangerous, so off by default: URLs end up
         * in access logs, proxies and browser history. When off, a query parameter holding one of this host's
         * tokens is refused with 400 (so the leak is noticed); other values are left to the host.
         *
         * @return this builder
         */
        public Builder allowTokensInQueryString() {
            SetOnce.check(allowQuery, "allowTokensInQueryString");
            this.allowQuery = true;
            return this;
        }

        Settings settings() {
            PasswordGate gate = latchkey.passwordGate(passwords.build()); // checks exemptions against disabled paths
            int max = maxHeader != null ? maxHeader : DEFAULT_MAX_AUTHORIZATION_HEADER_LENGTH;
            boolean query = allowQuery != null;
            CredentialResolver everyBearer = new CredentialResolver(max, query,
                    latchkey.authenticator()::looksLikeToken, null);
            CredentialResolver credentials = claimAllBearer != null ? everyBearer : new CredentialResolver(max, query,
                    latchkey.authenticator()::looksLikeToken, ForeignBearerRule.of(latchkey.tokenFormat()));
            return new Settings(latchkey, ipResolver != null ? ipResolver : ClientIpResolver.peerAddressOnly(),
                    credentials, everyBearer, gate, directory != null ? directory : latchkey.cachedDirectory(),
                    realm != null ? realm : "latchkey");
        }

        /**
         * Builds the filter (immutable and thread-safe).
         *
         * @return the filter, to be registered by the host
         * @throws IllegalStateException if exemptions are set without disabled paths (the user directory always
         *                               exists: the engine's unless {@link #userDirectory} set another)
         */
        public LatchkeyFilter build() {
            return new LatchkeyFilter(settings());
        }
    }
}
