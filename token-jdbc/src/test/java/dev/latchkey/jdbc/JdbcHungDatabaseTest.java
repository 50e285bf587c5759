package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.latchkey.jdbc.faults.FaultyTcpProxy;
import dev.latchkey.jdbc.faults.ReusedConnectionDataSource;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17, "a hanging database must not take a node down", at the JDBC layer: real servers behind
 * {@link FaultyTcpProxy}. A store call on a hung or frozen connection ends with StoreUnavailableException within
 * the configured time, and the same store works again once the path is back. Skipped without the servers.
 */
class JdbcHungDatabaseTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration HOT = Duration.ofSeconds(1);
    /** The documented bound (time-out + network grace) and scheduling slack on a shared 2-core machine. */
    private static final long BOUND_MILLIS = HOT.toMillis() + 500 + 700;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void clean() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private static TestDatabase db(String name) {
        return "postgres".equals(name) ? TestDatabase.postgres() : TestDatabase.mariadb();
    }

    private String schema(TestDatabase db) {
        String prefix = db.freshSchema();
        cleanup.add(() -> db.drop(prefix));
        return prefix;
    }

    private FaultyTcpProxy proxy(TestDatabase db) throws Exception {
        FaultyTcpProxy proxy = FaultyTcpProxy.inFrontOf(db.url);
        cleanup.add(proxy);
        return proxy;
    }

    private static TokenRecord token(String id) {
        return new TokenRecord(id, TokenKind.PERSONAL, "name", "alice", "alice", Scope.of(AccessLevel.READ), List.of(),
                "digest-" + id, "sha256", "hint", T0, Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    private static long millis(ThrowingCallable call) {
        long start = System.nanoTime();
        assertThatThrownBy(call).isInstanceOf(StoreUnavailableException.class);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgres", "mariadb"})
    void hotPathReadsWhenPooledConnectionFreezesThenStoreUnavailableWithinTimeoutAndRecoverAfter(String name) throws Exception {
        TestDatabase db = db(name);
        String prefix = schema(db);
        FaultyTcpProxy proxy = proxy(db);
        ReusedConnectionDataSource pool = new ReusedConnectionDataSource(proxy.jdbcUrl(db.url), db.user, db.password);
        cleanup.add(pool::shutdown);
        JdbcTokenStore store = JdbcTokenStore.builder(pool).dialect(db.dialect).tablePrefix(prefix).hotPathTimeout(HOT).build();
        JdbcAuditLog audit = JdbcAuditLog.builder(pool).dialect(db.dialect).tablePrefix(prefix).hotPathTimeout(HOT).build();
        store.insert(token("a"));
        assertThat(store.findByDigest("digest-a")).isPresent();

        proxy.freezeAll();
        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> store.findByDigest("digest-a"));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.err.println("[latchkey-test] " + db.label + " findByDigest on a frozen connection failed after " + took + " ms: "
                + failure.getMessage());
        assertThat(failure).isInstanceOf(StoreUnavailableException.class).hasMessageNotContaining("jdbc:")
                .hasMessageContaining("JdbcTokenStore.findByDigest failed");
        assertThat(took).as("findByDigest on a frozen connection").isLessThan(BOUND_MILLIS).isGreaterThanOrEqualTo(HOT.toMillis() - 50);

        // every other read a request or the poll waits for, each on a freshly frozen pooled connection
        for (ThrowingCallable call : List.<ThrowingCallable>of(() -> store.findById("a"), store::loadPolicy,
                () -> store.changesSince(0, 10), store::latestChangeSequence)) {
            freshFrozenConnection(proxy, pool);
            assertThat(millis(call)).isLessThan(BOUND_MILLIS);
        }
        freshFrozenConnection(proxy, pool);
        AuditEvent event = new AuditEvent(AuditEventType.AUTHENTICATION_REFUSED, T0, "alice", Optional.empty(),
                Optional.empty(), Optional.empty(), AuditOutcome.FAILURE, Optional.of("revoked"), Map.of());
        assertThat(millis(() -> audit.record(event))).as("audit record on a frozen connection").isLessThan(BOUND_MILLIS);

        proxy.thawAll();
        proxy.resetAll();
        assertThat(store.findByDigest("digest-a")).as("the same store works once the path is back").isPresent();
        audit.record(event);
    }

    private static void freshFrozenConnection(FaultyTcpProxy proxy, ReusedConnectionDataSource pool) throws Exception {
        proxy.resetAll();
        proxy.thawAll();
        assertThat(pool.getConnection().isValid(2)).isTrue(); // the "pool" replaced the dropped connection
        proxy.freezeAll();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgres", "mariadb"})
    void newConnectionWhenServerAcceptsButNeverAnswersThenDriverTimeoutsEndTheCall(String name) throws Exception {
        TestDatabase db = db(name);
        String prefix = schema(db);
        FaultyTcpProxy proxy = proxy(db);
        String url = DriverTimeouts.apply(proxy.jdbcUrl(db.url), Duration.ofSeconds(1), Duration.ofSeconds(35));
        JdbcTokenStore store = JdbcTokenStore.builder(new SimpleDataSource(url, db.user, db.password))
                .dialect(db.dialect).tablePrefix(prefix).hotPathTimeout(HOT).build();
        store.insert(token("a"));

        proxy.hang();
        long took = millis(() -> store.findByDigest("digest-a"));
        System.err.println("[latchkey-test] " + db.label + " connecting to a hung server failed after " + took + " ms");
        assertThat(took).as("connect + login time-out of 1 s").isLessThan(2_500);

        proxy.refuse();
        assertThat(millis(() -> store.findByDigest("digest-a"))).as("refused: fast").isLessThan(1_000);

        proxy.pass();
        assertThat(store.findByDigest("digest-a")).isPresent();
    }
}
