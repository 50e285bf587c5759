package dev.latchkey.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.Latchkey;
import dev.latchkey.servlet.LatchkeyFilter;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example over real HTTP: Latchkey tokens, passwords, form login and JWTs side by side in one Spring Security
 * chain, set up by properties and one line. One application context for the class.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExampleApplicationTest {
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static final KeyPair JWT_KEYS = rsaKeys();

    @LocalServerPort
    int port;

    @Autowired
    Latchkey latchkey;

    @Autowired
    ServletContext servletContext;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path pem = Files.createTempFile("example-jwt", ".pem");
        pem.toFile().deleteOnExit();
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(JWT_KEYS.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> pem.toUri().toString());
        registry.add("example.password", () -> PASSWORD);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:example-test;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE");
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- helpers ----

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", authorization));
    }

    /** Creates a token through the mounted REST API, as {@code user} with the password; returns {id, secret}. */
    private String[] createToken(String user, String level) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/rest/latchkey/1.0/tokens"))
                .header("Authorization", basic(user, PASSWORD))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"t-" + UUID.randomUUID() + "\",\"level\":\""
                        + level + "\"}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new String[] {JsonPath.read(r.body(), "$.id"), JsonPath.read(r.body(), "$.token")};
    }

    private static String bearer(String[] token) {
        return "Bearer " + token[1];
    }

    private String jwt(String subject, PrivateKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
                .subject(subject).issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private double metric(String name, String tag) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/actuator/metrics/" + name + "?tag=" + tag, basic("admin", PASSWORD));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ((Number) JsonPath.read(r.body(), "$.measurements[0].value")).doubleValue();
    }

    // ---- the acceptance criteria ----

    @Test
    void tokenWhenBearerThenOwnerIsTheAuthenticationPrincipalAndNoSessionIsMade() throws Exception {
        String[] token = createToken("alice", "WRITE");
        HttpResponse<String> r = get("/api/me", bearer(token));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(r.body(), "$.user")).isEqualTo("alice");
        assertThat((java.util.List<String>) JsonPath.read(r.body(), "$.authorities")).containsExactly("ROLE_USER");
        assertThat((String) JsonPath.read(r.body(), "$.token.id")).isEqualTo(token[0]);
        assertThat((String) JsonPath.read(r.body(), "$.token.level")).isEqualTo("WRITE");
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void tokenWhenSentAsBasicPasswordThenAcceptedAndNotRecheckedAsAPassword() throws Exception {
        String[] token = createToken("alice", "READ");
        HttpResponse<String> r = get("/api/me", basic("alice", token[1]));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(r.body(), "$.user")).isEqualTo("alice");
    }

    @Test
    void passwordWhenSentWithBasicOnTheApiThenRefusedBecauseTokensAreRequired() throws Exception {
        HttpResponse<String> r = get("/api/me", basic("alice", PASSWORD));
        assertThat(r.statusCode()).isEqualTo(401);
        // the password still works where it is not disabled
        assertThat(get("/actuator/metrics", basic("admin", PASSWORD)).statusCode()).isEqualTo(200);
    }

    @Test
    void jwtWhenSignedByTheIdentityProviderThenReachesTheResourceServer() throws Exception {
        HttpResponse<String> r = get("/api/jwt", "Bearer " + jwt("carol", JWT_KEYS.getPrivate()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(r.body(), "$.subject")).isEqualTo("carol");
    }

    @Test
    void jwtWhenSignedByAnotherKeyThenRefusedByTheResourceServerNotByLatchkey() throws Exception {
        HttpResponse<String> r = get("/api/jwt", "Bearer " + jwt("mallory", rsaKeys().getPrivate()));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
        // Latchkey's refusals carry its JSON body; the resource server's do not
        assertThat(r.body()).doesNotContain("\"error\"");
    }

    @Test
    void readTokenWhenPostingThenRefusedWithInsufficientScope() throws Exception {
        String[] token = createToken("alice", "READ");
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/notes")).header("Authorization", bearer(token))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("insufficient_scope");
        assertThat(r.body()).contains("insufficient_scope");
    }

    @Test
    void writeTokenWhenPostingWithoutCsrfTokenThenAccepted() throws Exception {
        String[] token = createToken("bob", "WRITE");
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/notes")).header("Authorization", bearer(token))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void methodSecurityWhenTokenLevelBelowAdminThenRefusedAndAdminTokenAllowed() throws Exception {
        String[] write = createToken("admin", "WRITE");
        HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/api/notes"))
                .header("Authorization", bearer(write)).DELETE());
        assertThat(refused.statusCode()).isEqualTo(403);
        String[] admin = createToken("admin", "ADMIN");
        HttpResponse<String> allowed = send(HttpRequest.newBuilder(uri("/api/notes"))
                .header("Authorization", bearer(admin)).DELETE());
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    }

    @Test
    void revocationWhenThroughTheMountedRestApiThenTheNextRequestIsRefused() throws Exception {
        String[] token = createToken("alice", "READ");
        assertThat(get("/api/me", bearer(token)).statusCode()).isEqualTo(200);
        HttpResponse<String> revoked = send(HttpRequest.newBuilder(uri("/rest/latchkey/1.0/tokens/" + token[0]))
                .header("Authorization", basic("alice", PASSWORD)).header("Content-Type", "application/json")
                .DELETE());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);
        HttpResponse<String> after = get("/api/me", bearer(token));
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
    }

    @Test
    void formLoginWhenValidThenTheSessionReachesTheApiAndTheRestApi() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String csrf = loginCsrf(browser);
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=alice&password=" + enc(PASSWORD) + "&_csrf="
                        + enc(csrf))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElse("")).doesNotContain("error");
        HttpResponse<String> me = browser.send(HttpRequest.newBuilder(uri("/api/me")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(me.body(), "$.user")).isEqualTo("alice");
        HttpResponse<String> list = browser.send(HttpRequest.newBuilder(uri("/rest/latchkey/1.0/tokens")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    }

    @Test
    void restApiWhenCrossSiteFormPostWithTheSessionThenCsrfStillRefusesIt() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String csrf = loginCsrf(browser);
        browser.send(HttpRequest.newBuilder(uri("/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=bob&password=" + enc(PASSWORD) + "&_csrf="
                        + enc(csrf))).build(), HttpResponse.BodyHandlers.ofString());
        for (String type : new String[] {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x",
                "application/jsonx", "text/json"}) {
            HttpResponse<String> r = browser.send(HttpRequest.newBuilder(uri("/rest/latchkey/1.0/tokens"))
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"forged\",\"level\":\"WRITE\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(type).isEqualTo(403);
        }
        // the same session with JSON (which a cross-site form cannot send) is the API's own business
        HttpResponse<String> json = browser.send(HttpRequest.newBuilder(uri("/rest/latchkey/1.0/tokens"))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"mine\",\"level\":\"READ\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).as(json.body()).isEqualTo(201);
    }

    @Autowired
    dev.latchkey.spi.TokenStore store;

    @Test
    void storeWhenTheApplicationHasADataSourceThenTokensLiveInItsDatabase() {
        assertThat(store).isInstanceOf(dev.latchkey.jdbc.JdbcTokenStore.class);
    }

    @Test
    void latchkeyFilterWhenAutoConfiguredThenNotRegisteredWithTheContainer() {
        assertThat(servletContext.getFilterRegistrations().values())
                .noneMatch(f -> LatchkeyFilter.class.getName().equals(f.getClassName()));
        assertThat(servletContext.getServletRegistrations()).containsKey("latchkeyRestServlet");
    }

    @Test
    void actuatorWhenTokensWereDecidedThenMetricsShowDecisionsAndReasons() throws Exception {
        double allowedBefore = metric("latchkey.decisions", "outcome:allowed");
        double scopeBefore = metric("latchkey.decisions", "outcome:insufficient_scope");
        String[] token = createToken("bob", "READ");
        assertThat(get("/api/notes", bearer(token)).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri("/api/notes")).header("Authorization", bearer(token))
                .POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode()).isEqualTo(403);
        assertThat(metric("latchkey.decisions", "outcome:allowed")).isGreaterThanOrEqualTo(allowedBefore + 1);
        assertThat(metric("latchkey.decisions", "outcome:insufficient_scope")).isGreaterThanOrEqualTo(scopeBefore + 1);
        latchkey.flushAudit();
        assertThat(metric("latchkey.refusals", "reason:INSUFFICIENT_SCOPE")).isGreaterThanOrEqualTo(1);
        HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/actuator/health")));
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(health.body(), "$.components.latchkey.status")).isEqualTo("UP");
    }

    private String loginCsrf(HttpClient browser) throws IOException, InterruptedException {
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(uri("/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
