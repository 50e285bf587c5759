package dev.latchkey.spring.boot.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.latchkey.spi.TokenStore;
import dev.latchkey.spring.FaultyStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * The Actuator health endpoint over real HTTP on a node that follows a shared store's change feed: UP while the feed
 * is read within the bound, OUT_OF_SERVICE (503) with the lag when the polls fail past it, UP again when they
 * succeed, DOWN when the store itself fails.
 */
@SpringBootTest(classes = {TestApp.class, ClusterHealthHttpTest.Store.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "latchkey.cluster.enabled=true",
        "latchkey.cluster.staleness-bound=400ms",
        "management.endpoints.web.exposure.include=health",
        "management.endpoint.health.show-details=always"})
class ClusterHealthHttpTest {
    /** A store the engine sees as shared, with switches to break it. */
    @TestConfiguration
    static class Store {
        static final FaultyStore FAULTY = new FaultyStore();

        @Bean
        TokenStore faultyStore() {
            return FAULTY.store();
        }
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void repair() throws Exception {
        Store.FAULTY.down.set(false);
        Store.FAULTY.feedDown.set(false);
        healthUntil(r -> r.statusCode() == 200);
    }

    private HttpResponse<String> health() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/latchkey"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> healthUntil(Predicate<HttpResponse<String>> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        HttpResponse<String> r = health();
        while (!done.test(r) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            r = health();
        }
        return r;
    }

    @Test
    void healthWhenFollowingTheFeedThenUpWithModeLagAndBound() throws Exception {
        HttpResponse<String> r = healthUntil(x -> x.statusCode() == 200);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(r.body(), "$.status")).isEqualTo("UP");
        assertThat((String) JsonPath.read(r.body(), "$.details.mode")).isEqualTo("FOLLOWING");
        assertThat((Boolean) JsonPath.read(r.body(), "$.details.trusted")).isTrue();
        assertThat(((Number) JsonPath.read(r.body(), "$.details.boundMillis")).longValue()).isEqualTo(400);
        assertThat(((Number) JsonPath.read(r.body(), "$.details.lagMillis")).longValue()).isLessThanOrEqualTo(400);
    }

    @Test
    void healthWhenPollsFailPastTheBoundThenOutOfServiceWithTheLagAndUpOnceTheyWork() throws Exception {
        Store.FAULTY.feedDown.set(true);
        HttpResponse<String> lost = healthUntil(x -> x.statusCode() != 200);
        assertThat(lost.statusCode()).as(lost.body()).isEqualTo(503);
        assertThat((String) JsonPath.read(lost.body(), "$.status")).isEqualTo("OUT_OF_SERVICE");
        assertThat((Boolean) JsonPath.read(lost.body(), "$.details.trusted")).isFalse();
        assertThat(((Number) JsonPath.read(lost.body(), "$.details.lagMillis")).longValue()).isGreaterThan(400);
        assertThat((String) JsonPath.read(lost.body(), "$.details.reason")).contains("beyond the staleness bound");
        Store.FAULTY.feedDown.set(false);
        HttpResponse<String> back = healthUntil(x -> x.statusCode() == 200);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat((Boolean) JsonPath.read(back.body(), "$.details.trusted")).isTrue();
    }

    @Test
    void healthWhenTheStoreFailsThenDown() throws Exception {
        Store.FAULTY.down.set(true);
        HttpResponse<String> r = health();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat((String) JsonPath.read(r.body(), "$.status")).isEqualTo("DOWN");
        assertThat((String) JsonPath.read(r.body(), "$.details.storeError"))
                .isEqualTo("dev.latchkey.spi.StoreUnavailableException");
    }
}
