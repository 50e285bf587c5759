package dev.latchkey.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.TestServer;
import dev.latchkey.spi.AccessLevel;
import java.net.http.HttpResponse;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The proxy authorisation endpoint over real HTTP, asked the way nginx's auth_request asks. */
class ProxyAuthServletTest {
    private Fixture fx;
    private TestServer server;

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixture();
        ProxyAuthServlet endpoint = ProxyAuthServlet.builder(fx.latchkey).clientIpResolver(ClientIpResolver.builder()
                .trustedProxies("127.0.0.1/32").header(ForwardedHeader.X_REAL_IP).build()).build();
        server = TestServer.builder().customize(ctx -> ctx.addServlet(new ServletHolder(endpoint), "/authorize"))
                .start();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        fx.close();
    }

    private HttpResponse<String> ask(String method, String uri, String... more) throws Exception {
        String[] h = new String[4 + more.length];
        h[0] = "X-Original-Method";
        h[1] = method;
        h[2] = "X-Original-URI";
        h[3] = uri;
        System.arraycopy(more, 0, h, 4, more.length);
        return fx.get(server.base().resolve("/authorize"), h);
    }

    @Test
    void authorizeWhenReadTokenGetsThenOkWithPrincipalHeaders() throws Exception {
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = ask("GET", "/rest/api/1.0/projects?limit=5", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Latchkey-User")).hasValue("alice");
        assertThat(r.headers().firstValue("X-Latchkey-Token-Id")).isPresent();
        assertThat(r.headers().firstValue("X-Latchkey-Scope")).hasValue("READ");
        assertThat(r.headers().firstValue("X-Latchkey-Token-Kind")).hasValue("PERSONAL");
        assertThat(r.body()).doesNotContain(token);
    }

    @Test
    void authorizeWhenReadTokenPostsThenForbiddenWithBearerChallenge() throws Exception {
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = ask("POST", "/rest/api/1.0/projects/P/repos/r/pull-requests",
                "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                assertThat(v).startsWith("Bearer realm=\"latchkey\"").contains("error=\"insufficient_scope\""));
        assertThat(r.headers().firstValue("X-Latchkey-User")).isEmpty();
    }

    @Test
    void authorizeWhenNoCredentialThenUnauthorizedWithChallengeAndNoErrorCode() throws Exception {
        HttpResponse<String> r = ask("GET", "/rest/api/1.0/projects");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).anySatisfy(v ->
                assertThat(v).isEqualTo("Bearer realm=\"latchkey\""));
    }

    @Test
    void authorizeWhenHostPasswordInsteadOfTokenThenUnauthorized() throws Exception {
        assertThat(ask("GET", "/rest/api/1.0/projects", "Authorization", Fixture.basic("alice", "alice-pw"))
                .statusCode()).isEqualTo(401);
    }

    @Test
    void authorizeWhenRevokedOrMadeUpTokenThenUnauthorized() throws Exception {
        var issued = fx.issue("alice", dev.latchkey.core.NewToken.builder("t", AccessLevel.READ).build());
        fx.latchkey.tokens().revoke(dev.latchkey.core.Actor.user("alice"), issued.record().id(), "test");
        assertThat(ask("GET", "/rest/api/1.0/projects", "Authorization", "Bearer " + issued.secret().reveal())
                .statusCode()).isEqualTo(401);
        assertThat(ask("GET", "/rest/api/1.0/projects", "Authorization", "Bearer not-a-token").statusCode())
                .isEqualTo(401);
    }

    @Test
    void authorizeWhenTokenLimitedToCidrThenProxyHeaderAddressDecides() throws Exception {
        String token = fx.tokenFrom("alice", AccessLevel.READ, List.of("203.0.113.0/24"));
        assertThat(ask("GET", "/rest/api/1.0/projects", "Authorization", "Bearer " + token,
                "X-Real-IP", "203.0.113.7").statusCode()).isEqualTo(200);
        assertThat(ask("GET", "/rest/api/1.0/projects", "Authorization", "Bearer " + token,
                "X-Real-IP", "198.51.100.7").statusCode()).isEqualTo(401);
    }

    @Test
    void authorizeWhenOriginalMethodMissingOrForgedThenBadRequest() throws Exception {
        String token = fx.token("alice", AccessLevel.READ);
        assertThat(fx.get(server.base().resolve("/authorize"), "X-Original-URI", "/rest/api/1.0/projects",
                "Authorization", "Bearer " + token).statusCode()).isEqualTo(400);
        assertThat(ask("get", "/rest/api/1.0/projects", "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(400);
        assertThat(ask("GET\tX", "/rest/api/1.0/projects", "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(400);
    }

    /** Each of these could be routed by an upstream to somewhere other than the path it reads as here. */
    @ParameterizedTest
    @ValueSource(strings = {"", "rest/api/1.0/projects", "/rest/api/1.0/../admin", "/rest/api/1.0/%2e%2e/admin",
            "/rest/./api", "/rest//api", "/rest/api%2F1.0", "/rest/api%5c1.0", "/rest/api;jsessionid=1/projects",
            "/rest/%00", "/rest/%zz", "/rest/%c3", "/rest/%c3%28", "/rest/%", "/rest/a#frag", "http://evil/rest"})
    void authorizeWhenOriginalUriAmbiguousThenBadRequest(String uri) throws Exception {
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = ask("GET", uri, "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("X-Original-URI");
    }

    @Test
    void authorizeWhenPathPercentEncodedThenClassifiedDecoded() throws Exception {
        // an encoded letter must not hide a write endpoint from the classifier
        String token = fx.token("alice", AccessLevel.READ);
        assertThat(ask("POST", "/rest/api/1.0/projects/P/repos/r/pull%2Drequests", "Authorization",
                "Bearer " + token).statusCode()).isEqualTo(403);
    }

    @Test
    void authorizeWhenTokenInQueryStringThenBadRequest() throws Exception {
        String token = fx.token("alice", AccessLevel.READ);
        assertThat(ask("GET", "/rest/api/1.0/projects?access_token=" + token).statusCode()).isEqualTo(400);
    }

    @Test
    void headerValueWhenControlOrNonAsciiThenPercentEncoded() {
        assertThat(dev.latchkey.servlet.internal.ProxyAuthorizer.headerValue("a\r\nX-Evil: 1")).isEqualTo(
                "a%0D%0AX-Evil: 1");
        assertThat(dev.latchkey.servlet.internal.ProxyAuthorizer.headerValue("zoë%")).isEqualTo("zo%C3%AB%25");
    }

    @Test
    void builderWhenOptionSetTwiceThenRefusedNamingEarlierValue() {
        ProxyAuthServlet.Builder b = ProxyAuthServlet.builder(fx.latchkey).realm("one");
        assertThatThrownBy(() -> b.realm("two")).isInstanceOf(IllegalStateException.class).hasMessageContaining("one");
        assertThatThrownBy(() -> ProxyAuthServlet.builder(fx.latchkey).realm("a\"b"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
