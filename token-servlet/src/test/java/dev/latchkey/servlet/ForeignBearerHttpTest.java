package dev.latchkey.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.Actor;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.Policy;
import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEventType;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: a host with its own JWT Bearer authentication and Latchkey side by side, in real Jetty, with JWTs
 * signed and checked by Nimbus JOSE+JWT. The host's JWT filter runs after Latchkey's and refuses every Bearer value
 * it cannot verify — so a Latchkey token reaching it would be refused: it must never reach it.
 */
class ForeignBearerHttpTest {
    private final byte[] jwtKey = new byte[32];
    private final InMemoryUserDirectory users = new InMemoryUserDirectory().add("alice", "developers")
            .add("admin", "admins");
    private final RecordingSink audit = new RecordingSink();
    private final Latchkey latchkey = Latchkey.builder().store(new InMemoryTokenStore()).directory(users)
            .auditSink(audit).initialPolicy(Policy.defaults().with(Map.of("manageTokens", "admins",
                    "levelGrants", "*=WRITE,admins=ADMIN")))
            .build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger hostRefusals = new AtomicInteger();
    private final AtomicInteger hostVerified = new AtomicInteger();
    private Server server;
    private URI base;

    ForeignBearerHttpTest() {
        new SecureRandom().nextBytes(jwtKey);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        latchkey.close();
    }

    @Test
    void jwtWhenSentThenPassesLatchkeyUntouchedAndTheHostAcceptsIt() throws Exception {
        start(LatchkeyFilter.builder(latchkey).build());
        HttpResponse<String> r = get("/app/x", "Bearer " + jwt("jwt-user", jwtKey));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=jwt-user", "authType=JWT", "token=null",
                "authorizationSeenByApp=true");
        assertThat(hostVerified).hasValue(1);
        latchkey.flushAudit();
        assertThat(audit.events).as("Latchkey neither decided nor audited the JWT").isEmpty();
    }

    @Test
    void jwtWhenSignatureWrongThenTheHostRefusesItNotLatchkey() throws Exception {
        start(LatchkeyFilter.builder(latchkey).build());
        byte[] otherKey = new byte[32];
        new SecureRandom().nextBytes(otherKey);
        HttpResponse<String> r = get("/app/x", "Bearer " + jwt("mallory", otherKey));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("host: invalid JWT");
        assertThat(hostRefusals).hasValue(1);
    }

    @Test
    void latchkeyTokenWhenSentThenLatchkeyAcceptsAndTheHostsJwtFilterNeverSeesIt() throws Exception {
        start(LatchkeyFilter.builder(latchkey).build());
        String token = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build())
                .secret().reveal();
        for (String header : new String[] {"Bearer " + token, Fixture.basic("alice", token)}) {
            HttpResponse<String> r = get("/app/x", header);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("remoteUser=alice", "authorizationSeenByApp=false",
                    "inDevelopers=true", "inAdmins=false", "anyAuthenticated=true").doesNotContain(token);
        }
        assertThat(hostRefusals).as("the host's JWT filter never saw the consumed credential").hasValue(0);
        assertThat(hostVerified).hasValue(0);
    }

    @Test
    void serviceTokenWhenGenericClassifierNamesNoResourceThenLatchkeysScopeRefusal() throws Exception {
        start(LatchkeyFilter.builder(latchkey).build());
        String token = latchkey.tokens().create(Actor.user("admin"), NewToken.builder("bot", AccessLevel.READ)
                .service("anything").build()).secret().reveal();
        HttpResponse<String> r = get("/app/x", Fixture.basic(LatchkeyAttributes.SERVICE_BASIC_USERNAME, token));
        // the default classifier names no resource, so a service token (bound to one) is refused: a scope verdict
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("\"error\":\"insufficient_scope\"");
        assertThat(hostRefusals).hasValue(0);
    }

    @Test
    void malformedLatchkeyLookingTokenWhenSentThenLatchkeysRefusalAndAudit() throws Exception {
        start(LatchkeyFilter.builder(latchkey).build());
        String token = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build())
                .secret().reveal();
        String mistyped = token.substring(0, token.length() - 1) + (token.endsWith("x") ? "y" : "x");
        for (String value : new String[] {mistyped, "lkp_short", "LKS_" + mistyped.substring(4)}) {
            HttpResponse<String> r = get("/app/x", "Bearer " + value);
            assertThat(r.statusCode()).as(value).isEqualTo(401);
            assertThat(r.body()).startsWith("{\"error\":\"invalid_token\"").doesNotContain(value);
            assertThat(r.headers().allValues("WWW-Authenticate")).anySatisfy(v ->
                    assertThat(v).startsWith("Bearer realm=\"latchkey\"").contains("error=\"invalid_token\""));
        }
        assertThat(hostRefusals).as("Latchkey answered; the host never saw them").hasValue(0);
        latchkey.flushAudit();
        assertThat(audit.events).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.AUTHENTICATION_REFUSED);
            assertThat(e.reason()).hasValueSatisfying(v -> assertThat(v).contains("MALFORMED"));
        });
    }

    @Test
    void claimAllBearerTokensWhenSetThenAJwtGetsLatchkeysRefusal() throws Exception {
        start(LatchkeyFilter.builder(latchkey).claimAllBearerTokens().build());
        HttpResponse<String> r = get("/app/x", "Bearer " + jwt("jwt-user", jwtKey));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).startsWith("{\"error\":\"invalid_token\"");
        assertThat(hostVerified).hasValue(0);
    }

    @Test
    void requireTokenForWhenPathNeedsATokenThenOnlyATokenPasses() throws Exception {
        start(LatchkeyFilter.builder(latchkey).requireTokenFor("/api/*").build());
        String token = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build())
                .secret().reveal();

        HttpResponse<String> anonymous = get("/api/x", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).startsWith("{\"error\":\"token_required\"");
        assertThat(anonymous.headers().allValues("WWW-Authenticate")).anySatisfy(v ->
                assertThat(v).isEqualTo("Bearer realm=\"latchkey\""));
        assertThat(anonymous.headers().allValues("WWW-Authenticate")).anySatisfy(v ->
                assertThat(v).startsWith("Basic realm=\"latchkey\""));

        HttpResponse<String> jwt = get("/api/x", "Bearer " + jwt("jwt-user", jwtKey));
        assertThat(jwt.statusCode()).as("every Bearer is Latchkey's where a token is needed").isEqualTo(401);
        assertThat(jwt.body()).startsWith("{\"error\":\"invalid_token\"");

        HttpResponse<String> password = get("/api/x", Fixture.basic("alice", "alice-pw"));
        assertThat(password.statusCode()).isEqualTo(401);
        assertThat(password.body()).startsWith("{\"error\":\"token_required\"");

        HttpResponse<String> negotiate = get("/api/x", "Negotiate abc");
        assertThat(negotiate.statusCode()).isEqualTo(401);

        assertThat(get("/api/x", "Bearer " + token).statusCode()).isEqualTo(200);
        assertThat(get("/app/x", null).body()).as("other paths stay open").contains("remoteUser=null");
        assertThat(get("/app/x", "Bearer " + jwt("jwt-user", jwtKey)).body()).contains("remoteUser=jwt-user");
        assertThat(hostRefusals).hasValue(0);

        latchkey.flushAudit();
        assertThat(audit.events).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.PASSWORD_AUTH_REFUSED);
            assertThat(e.reason()).hasValue("PASSWORD_AUTH_DISABLED");
            assertThat(e.details()).containsEntry("claimedUser", "alice");
        });
    }

    @Test
    void initParamsWhenWebXmlStyleThenRequireTokenForAndClaimAllBearerTokensAreRead() throws Exception {
        FilterHolder holder = new FilterHolder(LatchkeyFilter.class);
        holder.setInitParameter("requireTokenFor", "/api/*, /admin/*");
        holder.setInitParameter("claimAllBearerTokens", "TRUE");
        start(holder);
        assertThat(get("/admin/x", null).statusCode()).isEqualTo(401);
        assertThat(get("/app/x", null).statusCode()).isEqualTo(200);
        HttpResponse<String> jwt = get("/app/x", "Bearer " + jwt("jwt-user", jwtKey));
        assertThat(jwt.statusCode()).as("claimAllBearerTokens=true").isEqualTo(401);
        assertThat(jwt.body()).startsWith("{\"error\":\"invalid_token\"");
    }

    @Test
    void initParamsWhenFlagIsNeitherTrueNorFalseThenTheFilterNeverServes() throws Exception {
        FilterHolder holder = new FilterHolder(LatchkeyFilter.class);
        holder.setInitParameter("claimAllBearerTokens", "yes");
        try {
            start(holder);
            assertThat(get("/app/x", "Bearer " + jwt("jwt-user", jwtKey)).statusCode()).isNotEqualTo(200);
        } catch (Exception e) {
            assertThat(e).hasStackTraceContaining("claimAllBearerTokens must be true or false");
        }
    }

    @Test
    void isUserInRoleWhenAskedOnEveryRequestThenAnsweredFromTheEnginesDirectoryCacheNotTheDirectory() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        dev.latchkey.spi.UserDirectory counting = name -> {
            reads.incrementAndGet();
            return users.findUser(name);
        };
        Latchkey engine = Latchkey.builder().store(new InMemoryTokenStore()).directory(counting).auditSink(audit)
                .initialPolicy(Policy.defaults().with(Map.of("levelGrants", "*=WRITE"))).build();
        try {
            start(LatchkeyFilter.builder(engine).build());
            String token = engine.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build())
                    .secret().reveal();
            reads.set(0);
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = get("/app/x", "Bearer " + token);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("remoteUser=alice", "anyAuthenticated=true");
            }
            // the decision reads the owner once into the engine's cache; three role questions a request add nothing
            assertThat(reads.get()).as("directory reads for 20 requests with 3 role questions each").isEqualTo(1);
        } finally {
            engine.close();
        }
    }

    @Test
    void isUserInRoleWhenDirectoryFailsThenNoRoleButTheTokenStillAccepted() throws Exception {
        dev.latchkey.spi.UserDirectory broken = new dev.latchkey.spi.UserDirectory() {
            @Override
            public java.util.Optional<dev.latchkey.spi.DirectoryUser> findUser(String name) {
                throw new IllegalStateException("directory down");
            }
        };
        start(LatchkeyFilter.builder(latchkey).userDirectory(broken).build());
        String token = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build())
                .secret().reveal();
        HttpResponse<String> r = get("/app/x", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=alice", "inDevelopers=false", "anyAuthenticated=true");
    }

    // ------------------------------------------------------------------ the host

    private void start(LatchkeyFilter filter) throws Exception {
        start(new FilterHolder(filter));
    }

    private void start(FilterHolder latchkeyFilter) throws Exception {
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ctx.setAttribute(LatchkeyAttributes.LATCHKEY, latchkey); // for web.xml-style registration
        ctx.addFilter(latchkeyFilter, "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addFilter(new FilterHolder(new JwtHostFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addServlet(new ServletHolder(new WhoServlet()), "/*");
        server.setHandler(ctx);
        server.start();
        base = URI.create("http://127.0.0.1:" + c.getLocalPort());
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String jwt(String subject, byte[] key) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(subject)
                .issuer("https://idp.example").expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }

    /**
     * The host's own Bearer authentication, as strict as a resource server: any Bearer value it cannot verify
     * (signature, expiry) is refused with 401 — whether or not somebody authenticated the request before.
     */
    private final class JwtHostFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest req = (HttpServletRequest) request;
            String h = req.getHeader("Authorization");
            if (h == null || !h.startsWith("Bearer ")) {
                chain.doFilter(request, response);
                return;
            }
            String subject;
            try {
                SignedJWT jwt = SignedJWT.parse(h.substring(7));
                if (!jwt.verify(new MACVerifier(jwtKey))
                        || jwt.getJWTClaimsSet().getExpirationTime().before(new Date())) {
                    throw new ParseException("not valid", 0);
                }
                subject = jwt.getJWTClaimsSet().getSubject();
            } catch (ParseException | JOSEException | RuntimeException e) {
                hostRefusals.incrementAndGet();
                HttpServletResponse res = (HttpServletResponse) response;
                res.setStatus(401);
                res.setContentType("text/plain");
                res.getWriter().print("host: invalid JWT");
                return;
            }
            hostVerified.incrementAndGet();
            chain.doFilter(new HttpServletRequestWrapper(req) {
                @Override
                public String getRemoteUser() {
                    return subject;
                }

                @Override
                public String getAuthType() {
                    return "JWT";
                }
            }, response);
        }
    }

    /** The host's application: who the request is, and what it still sees of the credential. */
    private static final class WhoServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setContentType("text/plain;charset=UTF-8");
            res.getWriter().print("remoteUser=" + req.getRemoteUser() + "\nauthType=" + req.getAuthType()
                    + "\ntoken=" + req.getAttribute(LatchkeyAttributes.TOKEN)
                    + "\nauthorizationSeenByApp=" + (req.getHeader("Authorization") != null
                    || req.getHeaders("Authorization").hasMoreElements()
                    || Collections.list(req.getHeaderNames()).stream().anyMatch("Authorization"::equalsIgnoreCase))
                    + "\ninDevelopers=" + req.isUserInRole("developers") + "\ninAdmins=" + req.isUserInRole("admins")
                    + "\nanyAuthenticated=" + req.isUserInRole("**") + "\n");
        }
    }

    /** The engine's audit sink, recording. */
    private static final class RecordingSink implements dev.latchkey.spi.AuditSink {
        final java.util.List<dev.latchkey.spi.AuditEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void record(dev.latchkey.spi.AuditEvent event) {
            events.add(event);
        }
    }
}
