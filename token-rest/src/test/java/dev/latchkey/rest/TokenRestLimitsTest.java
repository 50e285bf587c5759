package dev.latchkey.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.TestServer;
import dev.latchkey.servlet.LatchkeyFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 §4 and §5 over real HTTP: an update or rotation is never a creation in disguise, and the limits
 * (tokens per user, one successor per rotation, unique service names) hold when clients race.
 */
class TokenRestLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = Fixture.basic("alice", "alice-pw");
    private static final String ADMIN = Fixture.basic("admin", "admin-pw");

    private Fixture fx;
    private TestServer server;

    private void start(Map<String, String> policy) throws Exception {
        fx = new Fixture(policy);
        server = TestServer.builder().filter(LatchkeyFilter.builder(fx.latchkey).build())
                .rest(TokenRestServlet.builder(fx.latchkey).build()).hostUsers(Fixture.PASSWORDS).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    private HttpResponse<String> call(String method, String path, String json, String auth) throws Exception {
        URI uri = server.base().resolve("/rest/latchkey/1.0" + path);
        return fx.send(method, uri, json, "Authorization", auth);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(json(r).path("error").asText()).isEqualTo(code);
    }

    /** Sends {@code threads} requests released at once; returns their status codes. */
    private static List<Integer> race(int threads, Callable<HttpResponse<String>> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return request.call();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> f : futures) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                if (r.statusCode() != 201) {
                    assertThat(json(r).path("error").asText()).as(r.body()).isEqualTo("conflict");
                }
                statuses.add(r.statusCode());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void patchAndRotateWhenOwnerWhoMayNotCreateStripsManagerSetRestrictionsThen403AndTokenStaysRestricted()
            throws Exception {
        start(Map.of("createTokens", "admins"));
        HttpResponse<String> created = call("POST", "/admin/tokens", "{\"owner\":\"alice\",\"name\":\"deploy\","
                + "\"level\":\"READ\",\"allowedCidrs\":[\"10.0.0.0/8\"],\"resources\":[\"PROJ/repo\"]}", ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json(created).get("id").asText();

        assertError(call("PATCH", "/tokens/" + id, "{\"allowedCidrs\":[]}", ALICE), 403, "forbidden");
        assertError(call("PATCH", "/tokens/" + id, "{\"allowedCidrs\":[\"0.0.0.0/0\"]}", ALICE), 403, "forbidden");
        assertError(call("PATCH", "/tokens/" + id, "{\"resources\":[]}", ALICE), 403, "forbidden");
        assertError(call("POST", "/tokens/" + id + "/rotate", "", ALICE), 403, "forbidden");

        JsonNode now = json(call("GET", "/tokens/" + id, null, ALICE));
        assertThat(now.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(now.get("allowedCidrs").toString()).isEqualTo("[\"10.0.0.0/8\"]");
        assertThat(now.get("resources").toString()).isEqualTo("[\"PROJ/repo\"]");
        HttpResponse<String> narrowed = call("PATCH", "/tokens/" + id, "{\"allowedCidrs\":[\"10.1.0.0/16\"]}", ALICE);
        assertThat(narrowed.statusCode()).as(narrowed.body()).isEqualTo(200);
    }

    @Test
    void createWhenFortyParallelRequestsRaceOverMaxTokensPerUserOfFiveThenFive201AndThirtyFive409() throws Exception {
        start(Map.of("maxTokensPerUser", "5"));
        List<Integer> statuses = race(40, () -> call("POST", "/tokens", "{\"name\":\"racer\",\"level\":\"READ\"}", ALICE));
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(5);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(35);
        assertThat(json(call("GET", "/tokens", null, ALICE)).get("total").asLong()).isEqualTo(5);
    }

    @Test
    void rotateWhenTenParallelRotationsOfOneTokenThenOne201AndNine409AndOneWorkingSuccessor() throws Exception {
        start(Map.of());
        String id = json(call("POST", "/tokens", "{\"name\":\"hot\",\"level\":\"READ\"}", ALICE)).get("id").asText();
        List<Integer> statuses = race(10, () -> call("POST", "/tokens/" + id + "/rotate", "", ALICE));
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(9);
        JsonNode active = json(call("GET", "/admin/tokens?owner=alice&state=ACTIVE", null, ADMIN));
        assertThat(active.get("total").asLong()).isEqualTo(1);
        assertThat(active.get("items").get(0).get("id").asText()).isNotEqualTo(id);
    }

    @Test
    void createWhenTenParallelServiceTokensNamedDupBotThenOne201AndNine409() throws Exception {
        start(Map.of());
        List<Integer> statuses = race(10, () -> call("POST", "/admin/tokens",
                "{\"name\":\"dup-bot\",\"level\":\"READ\",\"resource\":\"PROJ/repo\"}", ADMIN));
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(9);
        assertThat(json(call("GET", "/admin/tokens?owner=service:dup-bot&state=ACTIVE", null, ADMIN)).get("total")
                .asLong()).isEqualTo(1);
    }
}
