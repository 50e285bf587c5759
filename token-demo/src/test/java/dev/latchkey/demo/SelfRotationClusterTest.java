package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-rotation on two demo nodes sharing one PostgreSQL database (issue 14): the atomic rotation and the family
 * link hold through a real database, whichever node each call reaches. Runs when {@code LATCHKEY_TEST_POSTGRES_URL}
 * (and {@code _USER}/{@code _PASSWORD}) is set, in a database of its own; skipped with a visible message otherwise,
 * failed when {@code LATCHKEY_TEST_REQUIRE_SERVERS=true}.
 */
class SelfRotationClusterTest {
    private static final Duration BOUND = Duration.ofSeconds(2);
    private static DemoPostgres pg;
    private static final String SELF = "/rest/latchkey/1.0/tokens/self/rotate";
    private static final String REPO_API = "/rest/api/1.0/projects/DEMO/repos/demo-repo";

    @TempDir
    Path tmp;
    private DemoServer a;
    private DemoServer b;

    @BeforeAll
    static void createDatabase() throws SQLException {
        pg = DemoPostgres.create("lkrot_", "self-rotation");
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (pg != null) {
            pg.drop();
        }
    }

    private DemoServer node(String name) throws Exception {
        return pg.node(tmp.resolve(name), name, BOUND);
    }

    @BeforeEach
    void start() throws Exception {
        a = node("A");
        b = node("B");
    }

    @AfterEach
    void stop() throws Exception {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static DemoClient.Response rotate(DemoServer node, String token) {
        return new DemoClient(node.baseUri()).send("POST", SELF, DemoClient.bearer(token), "{}");
    }

    private static int use(DemoServer node, String token) {
        return new DemoClient(node.baseUri()).get(REPO_API, DemoClient.bearer(token)).status();
    }

    private static int eventually(DemoServer node, String token, int wanted) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.multipliedBy(3).toNanos();
        int status = use(node, token);
        while (status != wanted && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = use(node, token);
        }
        return status;
    }

    private String serviceToken(String name) {
        DemoClient.Response r = new DemoClient(a.baseUri()).send("POST", "/rest/latchkey/1.0/admin/tokens",
                DemoClient.basic("admin", "admin"),
                "{\"kind\":\"SERVICE\",\"name\":\"" + name + "\",\"level\":\"READ\",\"resource\":\"DEMO/demo-repo\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("token").asText();
    }

    @Test
    void selfRotateWhenRotatedOnANodeAndOldSecretReturnsOnTheOtherThenFamilyRevokedOnBoth() throws Exception {
        String first = serviceToken("ci-cluster");
        JsonNode second = rotate(a, first).json();
        String current = second.get("token").asText();
        assertThat(eventually(b, current, 200)).isEqualTo(200);
        assertThat(eventually(b, first, 401)).isEqualTo(401);

        assertThat(rotate(b, first).status()).isEqualTo(401); // reuse, seen by the other node
        assertThat(use(b, current)).isEqualTo(401);
        assertThat(eventually(a, current, 401)).as("revoked within the bound on the first node").isEqualTo(401);
    }

    @Test
    void selfRotateWhenSameSecretRacesOnBothNodesThenExactlyOneSucceeds() throws Exception {
        String secret = serviceToken("ci-race");
        int n = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<DemoClient.Response>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DemoServer node = i % 2 == 0 ? a : b;
            calls.add(pool.submit(() -> {
                go.await();
                return rotate(node, secret);
            }));
        }
        go.countDown();
        int won = 0;
        for (Future<DemoClient.Response> c : calls) {
            DemoClient.Response r = c.get();
            assertThat(r.status()).as(r.body()).isIn(201, 401, 409);
            won += r.status() == 201 ? 1 : 0;
        }
        pool.shutdownNow();
        assertThat(won).isEqualTo(1);
        assertThat(use(a, secret)).isEqualTo(401);
        assertThat(use(b, secret)).isEqualTo(401);
    }
}
