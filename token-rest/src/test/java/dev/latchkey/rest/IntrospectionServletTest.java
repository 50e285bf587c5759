package dev.latchkey.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.TestServer;
import dev.latchkey.core.Actor;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.NewToken;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEventType;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionException;
import org.springframework.security.oauth2.server.resource.introspection.SpringOpaqueTokenIntrospector;

/** RFC 7662 introspection over real HTTP, with Spring Security's opaque-token introspector as the client. */
class IntrospectionServletTest {
    private static final String CLIENT = "resource-server";
    private Fixture fx;
    private TestServer server;
    private String secret;
    private URI uri;

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixture();
        // made at run time: never a literal secret in the repository
        secret = HexFormat.of().formatHex(java.security.SecureRandom.getInstanceStrong().generateSeed(16));
        String digest = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.UTF_8)));
        IntrospectionServlet endpoint = IntrospectionServlet.builder(fx.latchkey).client(CLIENT, digest).build();
        server = TestServer.builder().noHostAuth().customize(ctx -> ctx.addServlet(new ServletHolder(endpoint), "/introspect"))
                .start();
        uri = server.base().resolve("/introspect");
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        fx.close();
    }

    private SpringOpaqueTokenIntrospector spring(String clientSecret) {
        return SpringOpaqueTokenIntrospector.withIntrospectionUri(uri.toString()).clientId(CLIENT)
                .clientSecret(clientSecret).build();
    }

    private HttpResponse<String> post(String form, String... headers) throws Exception {
        String[] h = new String[headers.length + 2];
        h[0] = "Content-Type";
        h[1] = "application/x-www-form-urlencoded";
        System.arraycopy(headers, 0, h, 2, headers.length);
        var b = java.net.http.HttpRequest.newBuilder(uri).POST(java.net.http.HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i < h.length; i += 2) {
            b.header(h[i], h[i + 1]);
        }
        return fx.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String client() {
        return Fixture.basic(CLIENT, secret);
    }

    @Test
    void introspectWhenSpringIntrospectorAsksForLiveTokenThenActiveWithScope() {
        IssuedToken t = fx.issue("alice", NewToken.builder("ci", AccessLevel.READ).build());
        OAuth2AuthenticatedPrincipal p = spring(secret).introspect(t.secret().reveal());
        assertThat(p.getName()).isEqualTo("alice");
        assertThat(p.getAuthorities()).extracting(Object::toString).contains("SCOPE_READ");
        assertThat((Object) p.getAttribute("jti")).isEqualTo(t.record().id());
        assertThat((Object) p.getAttribute("client_id")).isEqualTo(CLIENT);
        assertThat((Object) p.getAttribute("latchkey_level")).isEqualTo("READ");
        assertThat((Object) p.getAttribute("iat")).isNotNull();
    }

    @Test
    void introspectWhenSpringIntrospectorAsksForRevokedTokenThenInactive() {
        IssuedToken t = fx.issue("alice", NewToken.builder("ci", AccessLevel.READ).build());
        SpringOpaqueTokenIntrospector spring = spring(secret);
        assertThat(spring.introspect(t.secret().reveal()).getName()).isEqualTo("alice");
        fx.latchkey.tokens().revoke(Actor.user("alice"), t.record().id(), "leaked");
        assertThatThrownBy(() -> spring.introspect(t.secret().reveal())).isInstanceOf(BadOpaqueTokenException.class);
    }

    @Test
    void introspectWhenSpringIntrospectorHasWrongSecretThenRefused() {
        String token = fx.token("alice", AccessLevel.READ);
        assertThatThrownBy(() -> spring(secret + "x").introspect(token))
                .isInstanceOf(OAuth2IntrospectionException.class);
    }

    @Test
    void introspectWhenUnknownRevokedOrMalformedThenSameInactiveAnswerWithoutHint() throws Exception {
        IssuedToken revoked = fx.issue("alice", NewToken.builder("r", AccessLevel.READ).build());
        fx.latchkey.tokens().revoke(Actor.user("alice"), revoked.record().id(), "test");
        String madeUp = fx.token("alice", AccessLevel.READ).substring(0, 10) + "x";
        for (String token : List.of(revoked.secret().reveal(), madeUp, "", "not a token", "\u0000\u2028")) {
            HttpResponse<String> r = post("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8),
                    "Authorization", client());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"active\":false}");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        }
    }

    @Test
    void introspectWhenCallerCredentialMissingOrWrongThenUnauthorizedAndAudited() throws Exception {
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> none = post("token=" + token);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("invalid_client").doesNotContain("active");
        assertThat(none.headers().allValues("WWW-Authenticate")).anySatisfy(v -> assertThat(v).startsWith("Basic"));
        assertThat(post("token=" + token, "Authorization", Fixture.basic(CLIENT, "wrong")).statusCode())
                .isEqualTo(401);
        assertThat(post("token=" + token, "Authorization", Fixture.basic("other", secret)).statusCode())
                .isEqualTo(401);
        // a token is not a client credential
        assertThat(post("token=" + token, "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
        fx.latchkey.flushAudit();
        assertThat(fx.audit.events()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.AUTHENTICATION_REFUSED);
            assertThat(e.reason()).hasValue("INTROSPECTION_CLIENT_REFUSED");
            assertThat(e.details()).containsEntry("endpoint", "introspect");
        });
    }

    @Test
    void introspectWhenCallerGuessesSecretsThenRateLimited() throws Exception {
        String token = fx.token("alice", AccessLevel.READ);
        int status = 0;
        for (int i = 0; i < 200 && status != 429; i++) {
            status = post("token=" + token, "Authorization", Fixture.basic(CLIENT, "guess" + i)).statusCode();
        }
        assertThat(status).isEqualTo(429);
        HttpResponse<String> r = post("token=" + token, "Authorization", client());
        assertThat(r.statusCode()).as("the right secret is not checked while limited").isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void introspectWhenRequestMalformedThenBadRequestNamingTheField() throws Exception {
        String token = fx.token("alice", AccessLevel.READ);
        assertThat(post("token=" + token + "&token=" + token, "Authorization", client()).body()).contains("'token'");
        assertThat(post("nothing=1", "Authorization", client()).statusCode()).isEqualTo(400);
        assertThat(post("token=%zz", "Authorization", client()).statusCode()).isEqualTo(400);
        assertThat(post("token=" + token + "&latchkey_client_ip=not-an-ip", "Authorization", client()).body())
                .contains("latchkey_client_ip");
        assertThat(post("token=" + "a".repeat(9000), "Authorization", client()).statusCode()).isEqualTo(400);
        assertThat(fx.send("POST", uri, "{\"token\":\"" + token + "\"}", "Authorization", client()).statusCode())
                .isEqualTo(400);
        assertThat(fx.get(uri, "Authorization", client()).statusCode()).isEqualTo(405);
    }

    @Test
    void introspectWhenTokenLimitedToCidrThenActiveOnlyForReportedClientInside() throws Exception {
        String token = fx.tokenFrom("alice", AccessLevel.WRITE, List.of("203.0.113.0/24"));
        assertThat(post("token=" + token, "Authorization", client()).body()).isEqualTo("{\"active\":false}");
        assertThat(post("token=" + token + "&latchkey_client_ip=198.51.100.1", "Authorization", client()).body())
                .isEqualTo("{\"active\":false}");
        String active = post("token=" + token + "&latchkey_client_ip=203.0.113.9", "Authorization", client()).body();
        assertThat(active).contains("\"active\":true").contains("\"latchkey_allowed_cidrs\":[\"203.0.113.0/24\"]")
                .contains("\"scope\":\"WRITE\"").doesNotContain(token);
    }

    @Test
    void builderWhenMisconfiguredThenRefusedNamingTheField() {
        assertThatThrownBy(() -> IntrospectionServlet.builder(fx.latchkey).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("client(");
        assertThatThrownBy(() -> IntrospectionServlet.builder(fx.latchkey).client("rs", "abc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secretSha256Hex");
        assertThatThrownBy(() -> IntrospectionServlet.builder(fx.latchkey).client("a:b", "0".repeat(64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientId");
        assertThatThrownBy(() -> IntrospectionServlet.builder(fx.latchkey).client("rs", "0".repeat(64))
                .client("rs", "1".repeat(64))).isInstanceOf(IllegalStateException.class);
    }
}
