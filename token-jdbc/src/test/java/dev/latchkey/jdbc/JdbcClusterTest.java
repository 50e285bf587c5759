package dev.latchkey.jdbc;

import dev.latchkey.core.memory.InMemoryUserDirectory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Actor;
import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.Policy;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditSink;
import dev.latchkey.spi.TokenRecord;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue "Data Center": two engines ("nodes") sharing one database through separate stores, with the change-feed
 * poll. Runs on H2 in server mode (always) and PostgreSQL and MariaDB (when configured; required on CI).
 */
class JdbcClusterTest {
    private static final Duration BOUND = Duration.ofSeconds(1);
    private static Server h2Server;
    private static TestDatabase h2ServerDb;

    private final List<Latchkey> engines = new ArrayList<>();
    private final List<Runnable> dropSchemas = new ArrayList<>();
    private final InMemoryUserDirectory directory = new InMemoryUserDirectory().add("alice", "developers").add("admin", "admins");

    @BeforeAll
    static void startH2Server() throws SQLException {
        h2Server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + h2Server.getPort() + "/mem:cluster;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
        h2ServerDb = TestDatabase.of("H2 server", SqlDialect.H2, new SimpleDataSource(url, "sa", ""), url);
    }

    @AfterAll
    static void stopH2Server() {
        h2Server.stop();
    }

    @AfterEach
    void closeEngines() {
        engines.forEach(Latchkey::close);
        dropSchemas.forEach(Runnable::run);
    }

    private String schema(TestDatabase db) {
        String prefix = db.freshSchema();
        dropSchemas.add(() -> db.drop(prefix));
        return prefix;
    }

    private static TestDatabase db(String name) {
        return switch (name) {
            case "h2-server" -> h2ServerDb;
            case "postgres" -> TestDatabase.postgres();
            case "mariadb" -> TestDatabase.mariadb();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** A node: its own store instance over the shared database (optionally through a switchable DataSource). */
    private Latchkey node(TestDatabase db, String prefix, DataSource ds) {
        JdbcTokenStore store = JdbcTokenStore.builder(ds).dialect(db.dialect).tablePrefix(prefix).build();
        Policy policy = Policy.defaults().with(Map.of("useTokens", "developers,admins", "manageTokens", "admins",
                "administerPolicy", "admins", "levelGrants", "developers=WRITE,admins=ADMIN"));
        AuditSink quiet = e -> { };
        Latchkey lk = Latchkey.builder().store(store).directory(directory).auditSink(quiet).clock(Clock.systemUTC())
                .initialPolicy(policy).cluster(ClusterOptions.withBound(BOUND))
                .lastUseFlushInterval(Duration.ofMillis(200))
                // revoked tokens are retried from one address under load here: the failed-attempt limit would
                // answer RATE_LIMITED without a lookup, and these tests are about what lookups see
                .noFailedAttemptLimit().build();
        engines.add(lk);
        return lk;
    }

    private static boolean allowed(Latchkey node, IssuedToken t, String ip) {
        return node.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                RequestFacts.of("GET", "/x", ip)).isAllowed();
    }

    private static long millisUntil(BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > BOUND.multipliedBy(10).toNanos()) {
                throw new AssertionError("condition not met within 10 staleness bounds");
            }
            Thread.sleep(10);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2-server", "postgres", "mariadb"})
    void tokenAndPolicyChangesWhenMadeOnNodeAThenHonouredOnNodeBWithinBound(String name) throws Exception {
        TestDatabase db = db(name);
        String prefix = schema(db);
        Latchkey a = node(db, prefix, db.dataSource);
        Latchkey b = node(db, prefix, db.dataSource);

        IssuedToken t = a.tokens().create(Actor.user("alice"), NewToken.builder("x", AccessLevel.READ).build());
        assertThat(allowed(b, t, "10.1.2.3")).as("created on A, works on B at once").isTrue();

        a.tokens().revoke(Actor.user("alice"), t.record().id(), "test");
        long took = millisUntil(() -> !allowed(b, t, "10.1.2.3"));
        assertThat(took).as("revocation reached B").isLessThanOrEqualTo(BOUND.toMillis());

        IssuedToken u = a.tokens().create(Actor.user("alice"), NewToken.builder("y", AccessLevel.READ).build());
        assertThat(allowed(b, u, "10.1.2.3")).isTrue();
        a.policy().update(Actor.user("admin"), Map.of("globalAllowedCidrs", "192.0.2.0/24"));
        took = millisUntil(() -> !allowed(b, u, "10.1.2.3"));
        assertThat(took).as("policy change reached B").isLessThanOrEqualTo(BOUND.toMillis());
        assertThat(allowed(b, u, "192.0.2.9")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2-server", "postgres", "mariadb"})
    void loadWhenTokensRevokedAtRandomThenNoAcceptOnEitherNodeAfterTheBound(String name) throws Exception {
        TestDatabase db = db(name);
        String prefix = schema(db);
        Latchkey a = node(db, prefix, db.dataSource);
        Latchkey b = node(db, prefix, db.dataSource);
        List<IssuedToken> tokens = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            tokens.add((i % 2 == 0 ? a : b).tokens().create(Actor.user("alice"), NewToken.builder("t" + i, AccessLevel.READ).build()));
        }
        Map<Integer, Long> revokedAtNanos = new ConcurrentHashMap<>();
        Map<Integer, Latchkey> revokedOn = new ConcurrentHashMap<>();
        AtomicLong acceptsOnRevokingNode = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong decisions = new AtomicLong();
        AtomicLong acceptsPastBound = new AtomicLong();
        AtomicLong acceptsWithinBound = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            Latchkey node = w % 2 == 0 ? a : b;
            workers.add(pool.submit(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (!stop.get()) {
                    int i = rnd.nextInt(tokens.size());
                    long started = System.nanoTime();
                    boolean ok = allowed(node, tokens.get(i), "10.1.2.3");
                    decisions.incrementAndGet();
                    Long revoked = revokedAtNanos.get(i);
                    if (ok && revoked != null && started > revoked) {
                        if (revokedOn.get(i) == node) {
                            acceptsOnRevokingNode.incrementAndGet();
                        }
                        if (started - revoked > BOUND.toNanos()) {
                            acceptsPastBound.incrementAndGet();
                        } else {
                            acceptsWithinBound.incrementAndGet();
                        }
                    }
                }
            }));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order);
        for (int k = 0; k < 12; k++) {
            int i = order.get(k);
            Latchkey revoker = k % 2 == 0 ? a : b;
            revoker.tokens().revoke(Actor.user("admin"), tokens.get(i).record().id(), "load test");
            revokedOn.put(i, revoker);
            revokedAtNanos.put(i, System.nanoTime());
            Thread.sleep(150);
        }
        Thread.sleep(BOUND.toMillis() + 300); // let every revocation's bound pass while load continues
        stop.set(true);
        for (Future<?> f : workers) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        System.err.printf("[latchkey-test] %s cluster load: %d decisions, %d accepts of revoked tokens inside the bound "
                + "(on the revoking node: %d), %d past it%n", db.label, decisions.get(), acceptsWithinBound.get(),
                acceptsOnRevokingNode.get(), acceptsPastBound.get());
        assertThat(decisions.get()).isGreaterThan(500);
        assertThat(acceptsPastBound.get()).as("accepts of a revoked token after its bound, either node").isZero();
        assertThat(acceptsOnRevokingNode.get()).as("accepts on the node that revoked, after revoke returned").isZero();
        for (int i = 0; i < tokens.size(); i++) {
            boolean shouldWork = !revokedAtNanos.containsKey(i);
            assertThat(allowed(a, tokens.get(i), "10.1.2.3")).isEqualTo(shouldWork);
            assertThat(allowed(b, tokens.get(i), "10.1.2.3")).isEqualTo(shouldWork);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2-server", "postgres"})
    void databaseFailureWhenOnNodeBThenStopsAcceptingWithinBoundAndRecovers(String name) throws Exception {
        TestDatabase db = db(name);
        String prefix = schema(db);
        SwitchableDataSource bView = new SwitchableDataSource(db.dataSource);
        Latchkey a = node(db, prefix, db.dataSource);
        Latchkey b = node(db, prefix, bView);
        IssuedToken t = a.tokens().create(Actor.user("alice"), NewToken.builder("x", AccessLevel.READ).build());
        assertThat(allowed(b, t, "10.1.2.3")).isTrue();

        bView.down.set(true);
        long took = millisUntil(() -> !allowed(b, t, "10.1.2.3"));
        assertThat(took).isLessThanOrEqualTo(BOUND.toMillis() + 100);
        Decision d = b.authenticator().authenticate(Credential.bearer(t.secret().reveal()), RequestFacts.of("GET", "/x", "10.1.2.3"));
        assertThat(((Decision.Refused) d).reason()).isEqualTo(RefusalReason.STORE_UNAVAILABLE);

        // while B is cut off, A revokes a token B had cached before
        IssuedToken other = a.tokens().create(Actor.user("alice"), NewToken.builder("y", AccessLevel.READ).build());
        bView.down.set(false);
        millisUntil(() -> allowed(b, t, "10.1.2.3"));
        assertThat(allowed(b, other, "10.1.2.3")).isTrue();
        bView.down.set(true);
        a.tokens().revoke(Actor.user("alice"), other.record().id(), "while B was down");
        Thread.sleep(BOUND.toMillis());
        bView.down.set(false);
        millisUntil(() -> allowed(b, t, "10.1.2.3"));
        assertThat(allowed(b, other, "10.1.2.3")).as("revocation made during the outage holds after recovery").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2-server", "postgres", "mariadb"})
    void lastUseWhenRecordedOnBothNodesThenLatestWinsAndNeverMovesBack(String name) throws Exception {
        TestDatabase db = db(name);
        String prefix = schema(db);
        Latchkey a = node(db, prefix, db.dataSource);
        Latchkey b = node(db, prefix, db.dataSource);
        IssuedToken t = a.tokens().create(Actor.user("alice"), NewToken.builder("x", AccessLevel.READ).build());
        assertThat(allowed(a, t, "10.0.0.1")).isTrue();
        a.flushLastUse();
        Thread.sleep(5);
        assertThat(allowed(b, t, "10.0.0.2")).isTrue();
        b.flushLastUse();
        TokenRecord r = a.tokens().get(Actor.user("alice"), t.record().id());
        assertThat(r.lastUse()).hasValueSatisfying(u -> assertThat(u.clientIp()).isEqualTo("10.0.0.2"));
        Instant latest = r.lastUse().get().at();
        // an older use flushed late by a slow node must not move it back
        JdbcTokenStore.builder(db.dataSource).dialect(db.dialect).tablePrefix(prefix).build()
                .recordLastUse(List.of(new dev.latchkey.spi.LastUse(t.record().id(), latest.minusSeconds(60), "10.0.0.3")));
        assertThat(a.tokens().get(Actor.user("alice"), t.record().id()).lastUse().get().at()).isEqualTo(latest);
    }

    /** A DataSource whose connections can be switched off, like a database that went away. */
    static final class SwitchableDataSource implements DataSource {
        final AtomicBoolean down = new AtomicBoolean();
        private final DataSource delegate;

        SwitchableDataSource(DataSource delegate) {
            this.delegate = delegate;
        }

        private void check() throws SQLException {
            if (down.get()) {
                throw new SQLException("Connection refused (test)", "08001");
            }
        }

        @Override public Connection getConnection() throws SQLException { check(); return delegate.getConnection(); }
        @Override public Connection getConnection(String u, String p) throws SQLException { check(); return delegate.getConnection(u, p); }
        @Override public PrintWriter getLogWriter() { return null; }
        @Override public void setLogWriter(PrintWriter out) { }
        @Override public void setLoginTimeout(int seconds) { }
        @Override public int getLoginTimeout() { return 0; }
        @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }
        @Override public <T> T unwrap(Class<T> iface) throws SQLException { throw new SQLException("not a wrapper"); }
        @Override public boolean isWrapperFor(Class<?> iface) { return false; }
    }
}
