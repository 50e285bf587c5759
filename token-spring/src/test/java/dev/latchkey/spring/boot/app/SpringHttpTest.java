package dev.latchkey.spring.boot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.latchkey.core.Actor;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.TokenPrincipal;
import dev.latchkey.spi.AccessLevel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * token-spring in a running Boot application over real HTTP: service tokens through the configurer, how often the
 * application's {@code UserDetailsService} is asked, and the cache and store meters on the Actuator endpoint.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "latchkey.policy.level-grants=*=WRITE,ROLE_ADMIN=ADMIN",
        "latchkey.policy.manage-tokens=ROLE_ADMIN",
        // long enough that no lookup expires during a test on a loaded machine; PrincipalCacheTest covers expiry
        "latchkey.directory-cache-ttl=1h",
        "management.endpoints.web.exposure.include=health,metrics",
        "management.endpoint.health.show-details=always"})
class SpringHttpTest {
    @LocalServerPort
    int port;

    @Autowired
    Latchkey latchkey;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void clearLookups() {
        TestApp.USER_LOOKUPS.clear();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", authorization));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private IssuedToken serviceToken(String project, AccessLevel level) {
        return latchkey.tokens().create(Actor.user("admin"), NewToken.builder("bot-" + UUID.randomUUID()
                .toString().substring(0, 8), level).service(project).build());
    }

    private double metric(String name, String tag) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/metrics/" + name + (tag == null ? "" : "?tag=" + tag))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ((Number) JsonPath.read(r.body(), "$.measurements[0].value")).doubleValue();
    }

    @Test
    void serviceTokenWhenOnItsProjectThenItsOwnPrincipalWithNoUserAuthorities() throws Exception {
        IssuedToken bot = serviceToken("PROJ", AccessLevel.WRITE);
        HttpResponse<String> r = get("/api/projects/PROJ/whoami", "Bearer " + bot.secret().reveal());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(r.body(), "$.principalType")).isEqualTo(TokenPrincipal.class.getName());
        assertThat((String) JsonPath.read(r.body(), "$.name")).isEqualTo("service:" + bot.record().name());
        assertThat((Boolean) JsonPath.read(r.body(), "$.userDetails")).isFalse();
        assertThat((List<String>) JsonPath.read(r.body(), "$.authorities")).isEmpty();
        assertThat((String) JsonPath.read(r.body(), "$.token.kind")).isEqualTo("SERVICE");
        assertThat((Boolean) JsonPath.read(r.body(), "$.token.service")).isTrue();
        assertThat((List<String>) JsonPath.read(r.body(), "$.token.resources")).containsExactly("PROJ");
        // a WRITE service token may write on its project, as itself
        HttpResponse<String> build = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/projects/PROJ/builds")).header("Authorization", "Bearer " + bot.secret().reveal())
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(build.statusCode()).as(build.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(build.body(), "$.by")).isEqualTo("service:" + bot.record().name());
        // a service principal is nobody in the application's user store
        assertThat(TestApp.USER_LOOKUPS).noneMatch(n -> n.startsWith("service:"));
    }

    @Test
    void serviceTokenWhenOnAnotherProjectOrUnboundPathThenInsufficientScope() throws Exception {
        IssuedToken bot = serviceToken("PROJ", AccessLevel.WRITE);
        for (String path : new String[] {"/api/projects/OTHER/whoami", "/api/projects/PROJECT/whoami", "/api/me"}) {
            HttpResponse<String> r = get(path, "Bearer " + bot.secret().reveal());
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).as(path).contains("insufficient_scope");
        }
    }

    @Test
    void serviceTokenWhenReadOnlyThenItsProjectRefusesAWrite() throws Exception {
        IssuedToken bot = serviceToken("PROJ", AccessLevel.READ);
        assertThat(get("/api/projects/PROJ/whoami", "Bearer " + bot.secret().reveal()).statusCode()).isEqualTo(200);
        HttpResponse<String> build = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/projects/PROJ/builds")).header("Authorization", "Bearer " + bot.secret().reveal())
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(build.statusCode()).isEqualTo(403);
    }

    @Test
    void serviceTokenWhenBasicThenOnlyWithTheServiceUserName() throws Exception {
        IssuedToken bot = serviceToken("PROJ", AccessLevel.READ);
        HttpResponse<String> ok = get("/api/projects/PROJ/whoami", basic(Latchkey.SERVICE_BASIC_USERNAME,
                bot.secret().reveal()));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(ok.body(), "$.name")).isEqualTo("service:" + bot.record().name());
        for (String user : new String[] {"admin", "alice", "service:" + bot.record().name()}) {
            HttpResponse<String> r = get("/api/projects/PROJ/whoami", basic(user, bot.secret().reveal()));
            assertThat(r.statusCode()).as(user).isEqualTo(401);
        }
    }

    @Test
    void personalTokenWhenUsedTenTimesThenTheUserDetailsServiceIsAskedOnce() throws Exception {
        IssuedToken t = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci-" + UUID.randomUUID()
                .toString().substring(0, 8), AccessLevel.READ).build());
        TestApp.USER_LOOKUPS.clear(); // creating asked for the creator; count what requests cost
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = get("/api/me", "Bearer " + t.secret().reveal());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat((Boolean) JsonPath.read(r.body(), "$.userDetails")).isTrue();
            assertThat((List<String>) JsonPath.read(r.body(), "$.authorities")).containsExactly("ROLE_USER");
        }
        // the engine's lookup (cached for the directory lifetime) also gives the principal: no second call per request
        assertThat(TestApp.USER_LOOKUPS).containsExactly("alice");
    }

    @Test
    void actuatorWhenTokensUsedThenCacheAndStoreMetersCount() throws Exception {
        double hits = metric("latchkey.cache.gets", "result:hit");
        double misses = metric("latchkey.cache.gets", "result:miss");
        double reads = metric("latchkey.store.reads", null);
        IssuedToken t = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("m-" + UUID.randomUUID()
                .toString().substring(0, 8), AccessLevel.READ).build());
        for (int i = 0; i < 3; i++) {
            assertThat(get("/api/me", "Bearer " + t.secret().reveal()).statusCode()).isEqualTo(200);
        }
        assertThat(metric("latchkey.cache.gets", "result:hit")).isEqualTo(hits + 2);
        assertThat(metric("latchkey.cache.gets", "result:miss")).isEqualTo(misses + 1);
        assertThat(metric("latchkey.store.reads", null)).isEqualTo(reads + 1);
        assertThat(metric("latchkey.cluster.mode", "mode:single_node")).isEqualTo(1);
        assertThat(metric("latchkey.cluster.trusted", null)).isEqualTo(1);
        HttpResponse<String> health = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/health/latchkey")));
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(health.body(), "$.status")).isEqualTo("UP");
        assertThat((String) JsonPath.read(health.body(), "$.details.mode")).isEqualTo("SINGLE_NODE");
    }
}
