package dev.latchkey.jdbc;

import static dev.latchkey.jdbc.PgEngineFixture.auth;
import static dev.latchkey.jdbc.PgEngineFixture.create;
import static dev.latchkey.jdbc.PgEngineFixture.millisUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.core.Actor;
import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.jdbc.faults.FaultyTcpProxy;
import dev.latchkey.jdbc.faults.ReusedConnectionDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17 at the engine level on real PostgreSQL (skipped without it): engines built through Latchkey's builder
 * over {@link JdbcTokenStore}, each node's database path through a {@link FaultyTcpProxy} the test controls.
 * <ul>
 *   <li>the database hangs (existing connections freeze, new ones are accepted and never answered) under 16
 *       threads: token requests that need the store are refused with {@code STORE_UNAVAILABLE} within the store
 *       wait, cached tokens and requests that need no store keep their latency, no request thread ever enters
 *       the driver, and the node serves again within a second of the database answering;</li>
 *   <li>one frozen change-feed poll connection: the follower abandons the poll, the store's network time-out
 *       ends the connection and the pool opens a new one; trust returns by itself, with nothing killed by
 *       hand;</li>
 *   <li>a revoked token hammered by a CI loop: no token read and no database session per refusal.</li>
 * </ul>
 * The node with the hung database is declared single-node here, so its cached tokens stay trusted; the same hang
 * on a node that follows the change feed, for 20 s and with its log counted, is {@link PgOutageLogTest}.
 */
class PgEngineFaultsTest {
    /** The default store wait, which the tests keep: what a host gets without configuring anything. */
    private static final long WAIT_MS = 2_000;
    /** Scheduling slack on a shared 2-core machine (the same as StoreFaultsTest's in memory). */
    private static final long SLACK_MS = 1_200;
    private static final int THREADS = 16;
    /** The engine's own threads for store reads (documented on {@code Latchkey.Builder.storeWait}). */
    private static final int ENGINE_STORE_THREADS = 8;

    private PgEngineFixture fx;

    @AfterEach
    void close() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private static String summary(List<Long> values, String unit) {
        List<Long> s = new ArrayList<>(values);
        Collections.sort(s);
        if (s.isEmpty()) {
            return "n=0";
        }
        return "n=" + s.size() + " p50=" + s.get(s.size() / 2) + unit + " p99=" + s.get((int) Math.ceil(s.size() * 0.99) - 1)
                + unit + " max=" + s.get(s.size() - 1) + unit;
    }

    private static long median(List<Long> values) {
        List<Long> s = new ArrayList<>(values);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    // ------------------------------------------------------------------------------------------------------
    // (a) a hanging database under 16 threads
    // ------------------------------------------------------------------------------------------------------

    @Test
    void databaseHangsUnder16ThreadsThenStoreReadsRefusedWithinTheWaitOthersServedNoThreadHeldAndBackWithinASecond()
            throws Exception {
        fx = new PgEngineFixture();
        FaultyTcpProxy proxy = fx.proxy();
        HikariDataSource pool = fx.pool(proxy, "hang");
        Latchkey node = fx.node(pool, e -> { }, b -> b.singleNode().noFailedAttemptLimit());
        IssuedToken cached = create(node, 0, "cached");
        assertThat(auth(node, cached).isAllowed()).isTrue();
        List<IssuedToken> uncached = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            uncached.add(create(node, 1 + i % 5, "uncached-" + i));
        }
        List<IssuedToken> afterwards = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            afterwards.add(create(node, 6 + i % 4, "afterwards-" + i));
        }
        Credential garbage = Credential.bearer("not-a-token-at-all");
        // warm the miss, hit and garbage paths once (class loading and JIT are not what is measured)
        assertThat(auth(node, create(node, 0, "warm")).isAllowed()).isTrue();
        assertThat(auth(node, garbage)).isInstanceOf(Decision.Refused.class);

        proxy.hang();
        proxy.freezeAll();
        // 8 s in mvn verify; the 60 s: -Dlatchkey.test.hangSeconds=60 (same assertions, scaled)
        long hangSeconds = Long.getLong("latchkey.test.hangSeconds", 8);
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        ExecutorService pool16 = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "request-" + workers.size());
            workers.add(t);
            return t;
        });
        ConcurrentLinkedQueue<Long> missMs = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> cachedUs = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> garbageUs = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(hangSeconds);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int kind = t % 4; // 0, 1: tokens the cache does not hold; 2: the cached token; 3: garbage
            done.add(pool16.submit(() -> {
                while (System.nanoTime() < end) {
                    long s = System.nanoTime();
                    if (kind <= 1) {
                        Decision d = auth(node, uncached.get(next.getAndIncrement() % uncached.size()));
                        missMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s));
                        if (!(d instanceof Decision.Refused r) || r.reason() != RefusalReason.STORE_UNAVAILABLE) {
                            wrong.add("uncached: " + d);
                        }
                    } else if (kind == 2) {
                        Decision d = auth(node, cached);
                        cachedUs.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - s));
                        if (!d.isAllowed()) {
                            wrong.add("cached: " + d);
                        }
                    } else {
                        Decision d = auth(node, garbage);
                        garbageUs.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - s));
                        if (!(d instanceof Decision.Refused r) || r.reason() != RefusalReason.MALFORMED) {
                            wrong.add("garbage: " + d);
                        }
                    }
                }
                return null;
            }));
        }
        // while the database hangs, no request thread is ever seen inside the driver or the pool
        List<String> requestThreadsInDriver = new ArrayList<>();
        while (System.nanoTime() < end) {
            requestThreadsInDriver.addAll(PgEngineFixture.inDriver(workers::contains));
            Thread.sleep(100);
        }
        long waitedForWorkers = System.nanoTime();
        for (Future<?> f : done) {
            f.get(WAIT_MS + SLACK_MS + 2_000, TimeUnit.MILLISECONDS); // a request thread held by the store fails here
        }
        long lastWorkerEnd = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitedForWorkers);
        pool16.shutdownNow();
        List<String> engineThreadsInDriver = PgEngineFixture.inDriver(t -> true);
        System.out.println("[latchkey-test] PostgreSQL hung for " + hangSeconds + " s under 16 threads: store-needing requests "
                + summary(new ArrayList<>(missMs), " ms") + "; cached token " + summary(new ArrayList<>(cachedUs), " us")
                + "; garbage " + summary(new ArrayList<>(garbageUs), " us") + "; last request thread free "
                + lastWorkerEnd + " ms after the load ended; threads in the driver now: " + engineThreadsInDriver.size());

        assertThat(wrong).as("decisions other than STORE_UNAVAILABLE / allowed / MALFORMED").isEmpty();
        assertThat(requestThreadsInDriver).as("request threads seen inside the driver or pool").isEmpty();
        assertThat(missMs).hasSizeGreaterThanOrEqualTo((int) (8 * hangSeconds * 1000 / (WAIT_MS + SLACK_MS)));
        assertThat(median(new ArrayList<>(missMs))).as("median refusal, ms").isLessThanOrEqualTo(WAIT_MS + 300);
        assertThat(missMs).as("every refusal within the store wait").allSatisfy(ms -> assertThat(ms).isLessThan(WAIT_MS + SLACK_MS));
        assertThat(median(new ArrayList<>(cachedUs))).as("median cached-token latency, us").isLessThan(5_000);
        assertThat(cachedUs).as("no cached request waited for the store").allSatisfy(us -> assertThat(us).isLessThan(WAIT_MS * 1000));
        assertThat(garbageUs).as("no store-free request waited for the store").allSatisfy(us -> assertThat(us).isLessThan(WAIT_MS * 1000));
        // the engine's own threads in the driver are its bounded store threads and its poll/heartbeat; the driver's
        // and the pool's helpers (pgjdbc's login threads, Hikari's connection adder) are counted apart: one login
        // thread per connection attempt lives until the driver's connect/login timeout, so how many are alive at
        // this instant depends on the pool's retry timing, not on the engine
        long ownInDriver = engineThreadsInDriver.stream().filter(t -> t.startsWith("latchkey-")).count();
        assertThat(ownInDriver).as("Latchkey's threads in the driver: %s", engineThreadsInDriver)
                .isLessThanOrEqualTo(ENGINE_STORE_THREADS + 2);
        assertThat(engineThreadsInDriver.size()).as("all threads in the driver or pool: %s", engineThreadsInDriver)
                .isLessThanOrEqualTo(ENGINE_STORE_THREADS + 10);

        // the database answers again: what was frozen flows, what was held is answered
        proxy.pass();
        proxy.thawAll();
        proxy.answerHeld();
        long healed = System.nanoTime();
        IssuedToken first = afterwards.get(0);
        long recovered = millisUntil(() -> auth(node, first).isAllowed(), 10_000);
        for (IssuedToken t : afterwards) {
            assertThat(auth(node, t).isAllowed()).as("full service after recovery").isTrue();
        }
        long full = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);
        List<String> stuck = PgEngineFixture.stuckInDriverRead(1_000);
        System.out.println("[latchkey-test] database answering again: first uncached token allowed after " + recovered
                + " ms, 20 uncached tokens all allowed after " + full + " ms; threads still stuck in a driver read: " + stuck);
        assertThat(recovered).as("first store read served after the database answers again, ms").isLessThan(1_000);
        assertThat(full).as("full service after the database answers again, ms").isLessThan(1_000 + SLACK_MS);
        assertThat(stuck).as("threads blocked in a PostgreSQL read after recovery").isEmpty();
    }

    // ------------------------------------------------------------------------------------------------------
    // (b) one frozen change-feed poll connection
    // ------------------------------------------------------------------------------------------------------

    /**
     * The change-feed poll's connections come from a data source of their own (one reused connection, as a pool
     * hands back its idle one), chosen by the engine's poll thread name; everything else from the main one. So
     * exactly the poll's connection can be frozen. The test checks that the routing was used, so a renamed
     * thread fails it instead of making it pass without a frozen poll.
     */
    private static final class PollRouting implements DataSource {
        private final DataSource poll;
        private final DataSource rest;
        private final AtomicInteger pollBorrows = new AtomicInteger();

        PollRouting(DataSource poll, DataSource rest) {
            this.poll = poll;
            this.rest = rest;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (Thread.currentThread().getName().startsWith("latchkey-feed-poll")) {
                pollBorrows.incrementAndGet();
                return poll.getConnection();
            }
            return rest.getConnection();
        }

        @Override public Connection getConnection(String u, String p) throws SQLException { throw new SQLFeatureNotSupportedException(); }
        @Override public PrintWriter getLogWriter() { return null; }
        @Override public void setLogWriter(PrintWriter out) { }
        @Override public void setLoginTimeout(int seconds) { }
        @Override public int getLoginTimeout() { return 0; }
        @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }
        @Override public <T> T unwrap(Class<T> iface) throws SQLException { throw new SQLException("not a wrapper"); }
        @Override public boolean isWrapperFor(Class<?> iface) { return false; }
    }

    @Test
    void onePollConnectionFreezesThenTheFollowerRecoversByItselfWithinTwoBoundsAndRevocationsArriveAgain() throws Exception {
        fx = new PgEngineFixture();
        Duration bound = ClusterOptions.defaults().stalenessBound();
        FaultyTcpProxy pollPath = fx.proxy();
        ReusedConnectionDataSource pollConnection = new ReusedConnectionDataSource(pollPath.jdbcUrl(fx.db.url), fx.db.user,
                fx.db.password);
        fx.closeLater(pollConnection::shutdown);
        PollRouting routing = new PollRouting(pollConnection, fx.db.dataSource);
        Latchkey b = fx.node(routing, e -> { }, o -> o.nodeName("pg-b").noFailedAttemptLimit());
        Latchkey a = fx.node(fx.db.dataSource, e -> { }, o -> o.nodeName("pg-a").noFailedAttemptLimit());
        IssuedToken t = create(a, 0, "t");
        assertThat(auth(b, t).isAllowed()).isTrue();
        millisUntil(() -> routing.pollBorrows.get() >= 2 && b.clusterState().trusted(), 5_000);
        assertThat(pollPath.connections()).as("the poll's one connection, through the proxy").hasSize(1);
        assertThat(pollConnection.opened()).isEqualTo(1);

        PgEngineFixture.LogCapture log = new PgEngineFixture.LogCapture().start();
        List<String> lines;
        long frozenAt = System.nanoTime();
        long untrustedAfter;
        long back;
        try {
            pollPath.freezeAll(); // only this connection; nothing is reset or killed by the test from here on
            untrustedAfter = millisUntil(() -> !b.clusterState().trusted(), bound.multipliedBy(3).toMillis());
            back = millisUntil(() -> b.clusterState().trusted(), bound.multipliedBy(4).toMillis()) + untrustedAfter;
            Thread.sleep(200);
        } finally {
            lines = log.stop();
        }
        long sinceFreeze = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
        System.out.println("[latchkey-test] one frozen poll connection: trust lost after " + untrustedAfter
                + " ms, back after " + back + " ms (bound " + bound.toMillis() + " ms); poll connections opened: "
                + pollConnection.opened());
        assertThat(back).as("trusted again after the freeze, ms (two bounds)").isLessThan(bound.multipliedBy(2).toMillis() + 500);
        assertThat(pollConnection.opened()).as("the pool replaced the frozen connection").isGreaterThanOrEqualTo(2);
        assertThat(pollPath.acceptedCount()).as("a new connection for the poll, through the same proxy").isGreaterThanOrEqualTo(2);
        List<String> engineLines = lines.stream().filter(l -> l.contains("dev.latchkey")).toList();
        assertThat(engineLines).as("log: %s", engineLines)
                .anySatisfy(l -> assertThat(l).contains("cache trust lost", "cause"))
                .anySatisfy(l -> assertThat(l).contains("cache trust regained"));
        assertThat(engineLines.stream().filter(l -> l.contains("cache trust lost"))).hasSize(1);
        assertThat(sinceFreeze).isGreaterThan(0);

        // and the node follows the feed again: a revocation on A is refused on B within the bound
        a.tokens().revoke(Actor.user(PgEngineFixture.user(0)), t.record().id(), "test");
        long ms = millisUntil(() -> !auth(b, t).isAllowed(), bound.toMillis() + 1_000);
        assertThat(ms).isLessThanOrEqualTo(bound.toMillis());
        assertThat(auth(b, t)).isInstanceOf(Decision.Refused.class)
                .extracting(d -> ((Decision.Refused) d).reason()).isEqualTo(RefusalReason.REVOKED);
    }

    // ------------------------------------------------------------------------------------------------------
    // (c) a revoked token in a CI loop
    // ------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "failed-attempt limit {0}")
    @ValueSource(strings = {"off", "default"})
    void revokedTokenInACiLoopThenNoTokenReadAndNoDatabaseSessionPerRefusal(String limit) throws Exception {
        fx = new PgEngineFixture();
        FaultyTcpProxy storePath = fx.proxy();
        FaultyTcpProxy auditPath = fx.proxy();
        // no pool: every store call opens a session (the demo before #17), the worst case for this count
        DataSource storeSessions = new SimpleDataSource(storePath.jdbcUrl(fx.db.url), fx.db.user, fx.db.password);
        DataSource auditSessions = new SimpleDataSource(auditPath.jdbcUrl(fx.db.url), fx.db.user, fx.db.password);
        Latchkey node = fx.node(storeSessions, fx.auditLog(auditSessions), b -> {
            b.nodeName("ci-target");
            if (limit.equals("off")) {
                b.noFailedAttemptLimit();
            }
        });
        IssuedToken t = create(node, 0, "ci");
        assertThat(auth(node, t).isAllowed()).isTrue();
        node.tokens().revoke(Actor.user(PgEngineFixture.user(0)), t.record().id(), "leaked");
        assertThat(auth(node, t)).extracting(d -> ((Decision.Refused) d).reason()).isEqualTo(RefusalReason.REVOKED);
        // the revocation comes back through this node's own change-feed poll and drops the record once more;
        // after that one read the revoked record stays cached
        Thread.sleep(ClusterOptions.defaults().pollInterval().multipliedBy(2).toMillis() + 300);
        assertThat(auth(node, t)).extracting(d -> ((Decision.Refused) d).reason()).isEqualTo(RefusalReason.REVOKED);
        assertThat(node.flushAudit()).isTrue();
        node.flushLastUse(); // the one allowed use above, written now rather than by the flush during the loop

        int n = 3_000;
        PgEngineFixture.TableStats tokensBefore = fx.stats("tokens");
        PgEngineFixture.TableStats auditBefore = fx.stats("audit");
        int storeBefore = storePath.acceptedCount();
        int auditSessionsBefore = auditPath.acceptedCount();
        long start = System.nanoTime();
        int refused = 0;
        for (int i = 0; i < n; i++) {
            Decision d = auth(node, t);
            if (d instanceof Decision.Refused r && (r.reason() == RefusalReason.REVOKED || r.reason() == RefusalReason.RATE_LIMITED)) {
                refused++;
            }
        }
        long loopMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(node.flushAudit()).isTrue();
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int storeOpened = storePath.acceptedCount() - storeBefore;
        int auditOpened = auditPath.acceptedCount() - auditSessionsBefore;
        PgEngineFixture.TableStats tokensAfter = fx.stats("tokens");
        PgEngineFixture.TableStats auditAfter = fx.stats("audit");
        long tokenReads = tokensAfter.reads() - tokensBefore.reads();
        long auditRows = auditAfter.inserted() - auditBefore.inserted();
        System.out.println("[latchkey-test] " + n + " refusals of a revoked token (limit " + limit + ") in " + loopMs
                + " ms: token-table reads " + tokenReads + ", store sessions " + storeOpened + " (polls and heartbeats over "
                + elapsedMs + " ms), audit sessions " + auditOpened + ", audit rows " + auditRows + ", stats " + node.refusalStats());

        assertThat(refused).isEqualTo(n);
        assertThat(tokenReads).as("token-table reads on the server during %s refusals", n).isZero();
        // the store path only carries the node's own rhythm: a poll every 500 ms and a heartbeat every 10 s
        long rhythm = elapsedMs / ClusterOptions.defaults().pollInterval().toMillis() + elapsedMs / 10_000 + 4;
        assertThat((long) storeOpened).as("store sessions over %s ms", elapsedMs).isLessThanOrEqualTo(rhythm);
        // the refusals' audit goes out in batches: a session per batch, never per refusal
        assertThat(auditOpened).as("audit sessions for %s refusals", n).isLessThanOrEqualTo(n / 20);
        if (limit.equals("off")) {
            assertThat(auditRows).as("every refusal of a known token is audited").isEqualTo(n);
        } else {
            // after 20 failures the address is limited: refusals are counted into per-window aggregates
            assertThat(auditRows).as("audit rows with the default limit").isLessThanOrEqualTo(30);
        }
    }
}
