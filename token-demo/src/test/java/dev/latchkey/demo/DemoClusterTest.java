package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Actor;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.NewToken;
import dev.latchkey.spi.AccessLevel;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: two demo servers on one real PostgreSQL as one cluster (node A and node B, each with its own data
 * directory and port, the same database). Runs when {@code LATCHKEY_TEST_POSTGRES_URL} (or
 * {@code -Dlatchkey.test.postgres.url}) is given, in a database of its own that it drops afterwards; skipped
 * with a visible message otherwise, failed when {@code LATCHKEY_TEST_REQUIRE_SERVERS=true}.
 */
class DemoClusterTest {
    private static final Duration BOUND = Duration.ofSeconds(2);
    private static DemoPostgres pg;

    @TempDir
    Path tmp;

    private DemoServer a;
    private DemoServer b;

    @BeforeAll
    static void createDatabase() throws SQLException {
        pg = DemoPostgres.create("lkdemo_", "demo cluster");
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

    private static int status(DemoClient client, String token) {
        return client.get("/rest/api/1.0/projects", DemoClient.bearer(token)).status();
    }

    @Test
    void revokeWhenDoneOnNodeAThenRefusedOnNodeBWithinTheBound() throws Exception {
        assertThat(a.mode()).contains("cluster node A with bound 2s", "LISTEN/NOTIFY");
        DemoClient onB = new DemoClient(b.baseUri());
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // two refusals each from one address: under the failed-attempt limit (20 a minute)
            IssuedToken t = a.latchkey().tokens().create(Actor.user("alice"), NewToken.builder("t" + i, AccessLevel.READ).build());
            String secret = t.secret().reveal();
            assertThat(status(onB, secret)).as("created on A, accepted on B").isEqualTo(200);
            a.latchkey().tokens().revoke(Actor.user("alice"), t.record().id(), "cluster test");
            long revoked = System.nanoTime();
            while (status(onB, secret) == 200) {
                assertThat(System.nanoTime() - revoked).as("revoked on A, still accepted on B past the bound")
                        .isLessThan(BOUND.toNanos());
                Thread.sleep(2);
            }
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revoked));
            assertThat(status(onB, secret)).isEqualTo(401);
        }
        millis.sort(null);
        System.err.println("[latchkey-test] demo cluster: revoked on A -> refused on B after (ms, sorted) " + millis);
        assertThat(millis.get(millis.size() - 1)).isLessThanOrEqualTo(BOUND.toMillis());
    }

    @Test
    void requestsWhenServedThroughThePoolThenDatabaseSessionsStayConstant() throws Exception {
        IssuedToken valid = a.latchkey().tokens().create(Actor.user("alice"), NewToken.builder("v", AccessLevel.READ).build());
        IssuedToken revoked = a.latchkey().tokens().create(Actor.user("alice"), NewToken.builder("r", AccessLevel.READ).build());
        a.latchkey().tokens().revoke(Actor.user("alice"), revoked.record().id(), "test");
        DemoClient onB = new DemoClient(b.baseUri());
        DemoClient onA = new DemoClient(a.baseUri());
        for (int i = 0; i < 20; i++) { // warm up both pools
            status(onB, valid.secret().reveal());
            status(onA, revoked.secret().reveal());
        }
        long before = stableSessionCount();
        for (int i = 0; i < 150; i++) {
            assertThat(status(onB, valid.secret().reveal())).isEqualTo(200);
            assertThat(status(onB, revoked.secret().reveal())).isIn(401, 429); // refused; past 20 failures a minute the address is rate-limited (429)
            assertThat(status(onA, revoked.secret().reveal())).isIn(401, 429);
            if (i % 50 == 0) {
                b.latchkey().flushLastUse();
            }
        }
        long after = sessions();
        System.err.println("[latchkey-test] demo cluster: database sessions before " + before + ", after 450 requests "
                + after);
        assertThat(after).as("no session per call").isLessThanOrEqualTo(before);
        assertThat(before).as("two fixed pools of 10 plus two LISTEN connections, at most").isLessThanOrEqualTo(22);
    }

    private static long sessions() throws SQLException {
        return pg.sessions();
    }

    /** The pools fill in the background after start: wait until the count holds for a second. */
    private static long stableSessionCount() throws Exception {
        long last = -1;
        long since = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            long now = sessions();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(1)) {
                return now;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the session count did not settle; last " + last);
    }
}
