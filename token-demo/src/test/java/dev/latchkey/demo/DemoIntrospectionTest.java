package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.security.oauth2.server.resource.introspection.SpringOpaqueTokenIntrospector;

/**
 * Issue 15's acceptance for RFC 7662 against the demo itself: Spring Security's {@link SpringOpaqueTokenIntrospector}
 * (a resource server's real client) authenticates a request carrying a Latchkey token at the demo's
 * {@code /introspect}, and gets {@code active:false} for it once revoked. The demo's {@code /authorize} for
 * nginx is checked here as mounted (its behaviour is {@code ProxyAuthServlet}'s and {@code NginxAuthRequestTest}'s).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoIntrospectionTest {
    private static final String CLIENT_ID = "orders-service";

    @TempDir
    static Path tmp;
    private DemoServer demo;
    private DemoClient http;
    private String clientSecret;
    private final HttpClient raw = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        Path data = tmp.resolve("data");
        Path file = data.resolve(DemoConfig.FILE_NAME);
        DemoConfig.writeDefaultIfAbsent(file);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        clientSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(clientSecret.getBytes(StandardCharsets.UTF_8)));
        String text = Files.readString(file);
        String configured = text.replace("latchkey.introspectionClients=\n",
                "latchkey.introspectionClients=" + CLIENT_ID + ":" + digest + "\n");
        assertThat(configured).as("the default configuration has the introspectionClients key").isNotEqualTo(text);
        Files.writeString(file, configured);
        demo = new DemoServer(DemoServer.Options.defaults(data).withPort(0));
        demo.start();
        http = new DemoClient(demo.baseUri());
    }

    @AfterAll
    void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    private OpaqueTokenIntrospector introspector(String secret) {
        return SpringOpaqueTokenIntrospector.withIntrospectionUri(demo.baseUri() + "/introspect")
                .clientId(CLIENT_ID).clientSecret(secret).build();
    }

    @Test
    void introspectWhenSpringClientAndLiveTokenThenOwnerAndScopeUntilRevokedThenInactiveAtOnce() {
        JsonNode issued = http.createToken("alice", "{\"name\":\"orders\",\"level\":\"READ\"}");
        String token = issued.get("token").asText();
        OpaqueTokenIntrospector spring = introspector(clientSecret);

        OAuth2AuthenticatedPrincipal principal = spring.introspect(token);
        assertThat(principal.getName()).isEqualTo("alice");
        assertThat(principal.getAuthorities()).extracting(GrantedAuthority::getAuthority).contains("SCOPE_READ");
        assertThat(principal.<Object>getAttribute("client_id")).hasToString(CLIENT_ID);
        assertThat(principal.<Object>getAttribute("jti")).hasToString(issued.get("id").asText());

        DemoClient.Response revoked = http.send("DELETE", "/rest/latchkey/1.0/tokens/" + issued.get("id").asText(),
                DemoClient.basic("alice", "alice"), null);
        assertThat(revoked.status()).isEqualTo(204);
        // the very next question after the revocation's 204 (one node: no propagation bound to wait for)
        assertThatThrownBy(() -> spring.introspect(token)).isInstanceOf(BadOpaqueTokenException.class);
    }

    @Test
    void introspectWhenUnknownOrMalformedTokenThenInactive() {
        OpaqueTokenIntrospector spring = introspector(clientSecret);
        assertThatThrownBy(() -> spring.introspect("lkp_notAToken")).isInstanceOf(BadOpaqueTokenException.class);
        assertThatThrownBy(() -> spring.introspect("x")).isInstanceOf(BadOpaqueTokenException.class);
    }

    @Test
    void introspectWhenWrongClientSecretOrADemoUsersPasswordThenRefusedNotAnswered() throws Exception {
        String token = http.createToken("alice", "{\"name\":\"probe\",\"level\":\"READ\"}").get("token").asText();
        OpaqueTokenIntrospector wrong = introspector(clientSecret + "x");
        assertThatThrownBy(() -> wrong.introspect(token)).isInstanceOf(OAuth2IntrospectionException.class)
                .isNotInstanceOf(BadOpaqueTokenException.class);
        // a demo user's password is not a client credential here: the endpoint is outside the demo's login
        HttpResponse<String> r = raw.send(HttpRequest.newBuilder(URI.create(demo.baseUri() + "/introspect"))
                .header("Authorization", DemoClient.basic("alice", "alice"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("invalid_client").doesNotContain("\"active\"").doesNotContain(token);
    }

    @Test
    void authorizeWhenProxyAsksThenDecidesForTheOriginalRequest() throws Exception {
        String read = http.createToken("alice", "{\"name\":\"proxy\",\"level\":\"READ\"}").get("token").asText();
        HttpResponse<String> get = authorize(read, "GET", "/rest/api/1.0/projects/DEMO/repos/demo-repo");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("X-Latchkey-User")).contains("alice");
        assertThat(get.headers().firstValue("X-Latchkey-Scope")).contains("READ");
        assertThat(authorize(read, "POST", "/rest/api/1.0/projects/DEMO/repos").statusCode()).isEqualTo(403);
        assertThat(authorize("lkp_notAToken", "GET", "/rest/api/1.0/projects").statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> authorize(String token, String method, String uri) throws Exception {
        return raw.send(HttpRequest.newBuilder(URI.create(demo.baseUri() + "/authorize"))
                .header("Authorization", "Bearer " + token).header("X-Original-Method", method)
                .header("X-Original-URI", uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
