package dev.latchkey.benchmarks.jdbc;

import dev.latchkey.benchmarks.CountingAuditSink;
import dev.latchkey.core.Actor;
import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.jdbc.JdbcTokenStore;
import dev.latchkey.jdbc.PgChangeListener;
import dev.latchkey.jdbc.SchemaInstaller;
import dev.latchkey.jdbc.SqlDialect;
import dev.latchkey.spi.AccessLevel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.ds.PGConnectionPoolDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Revocation latency across nodes (issue 17): the time from {@code revoke()} returning on engine A to the first
 * refusal of that token on engine B, two engines on one real PostgreSQL as two cluster nodes would run
 * ({@code cluster(ClusterOptions.defaults())}: bound 2 s, poll every 500 ms), each with its own connection pool.
 *
 * <p>{@code wakeUp=listen}: B also runs {@link PgChangeListener} on a connection of its own, calling
 * {@code latchkey::pollChangesNow}, so the store's {@code NOTIFY} (sent in the revocation's transaction) wakes
 * B's follower at once. {@code wakeUp=poll}: the change-feed poll alone. {@code load}: threads authenticating a
 * cached token on B all the while (request traffic on the node that must notice).
 *
 * <p>One JMH invocation is one revocation ({@link Mode#SingleShotTime}, one call per iteration, 200 measured
 * after 20 of warm-up): the per-invocation setup creates a token on A, waits until B's follower has read that
 * creation, has B read and cache the token (allowed), waits a random part of one poll interval (500 ms) and
 * revokes it on A; the measured method then asks B every 0.1 ms until B refuses it, so the score is the time
 * from {@code revoke()} returning to the first refusal, to within about 0.2 ms (park resolution). JMH prints
 * p50/p90/p99/max over the 200. A refusal other than {@code REVOKED}, or an accept past the bound plus a second,
 * fails the run.
 *
 * <p>Needs PostgreSQL: {@code LATCHKEY_BENCH_POSTGRES_URL} (and optionally {@code LATCHKEY_BENCH_POSTGRES_USER}
 * / {@code _PASSWORD}), as {@link ColdPathBenchmark}; without it the trial fails at once with that message and
 * JMH goes on with the other benchmarks. Tables use the prefix {@code lkbench_rev_}: what an earlier
 * (perhaps crashed) run left is dropped at setup, and the trial's own tables at teardown.
 *
 * <p>Run: {@code LATCHKEY_BENCH_POSTGRES_URL=jdbc:postgresql://127.0.0.1:5432/test java -jar
 * benchmarks/target/benchmarks.jar RevocationLatencyBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 20)
@Measurement(iterations = 200)
public class RevocationLatencyBenchmark {
    static final String PREFIX = "lkbench_rev_";
    private static final String USER = "alice";
    private static final RequestFacts REQUEST = RequestFacts.of("GET", "/rest/api/1.0/projects", "10.1.2.3");

    @Param({"listen", "poll"})
    public String wakeUp;

    @Param({"0", "1"})
    public int load;

    /** The database; from {@code LATCHKEY_BENCH_POSTGRES_*} unless a setup test set them first. */
    String url;
    String user;
    String password;
    /** The table prefix; the setup test uses its own, so it never drops a running benchmark's tables. */
    String prefix = PREFIX;
    Latchkey a;
    Latchkey b;
    private JdbcConnectionPool poolA;
    private JdbcConnectionPool poolB;
    private PgChangeListener listener;
    private final List<Thread> loaders = new ArrayList<>();
    private volatile boolean running;
    private IssuedToken current;
    private Credential currentCredential;
    private long boundNanos;
    private long pollNanos;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (url == null) {
            url = env("LATCHKEY_BENCH_POSTGRES_URL");
            user = env("LATCHKEY_BENCH_POSTGRES_USER");
            password = env("LATCHKEY_BENCH_POSTGRES_PASSWORD");
        }
        if (url == null) {
            throw new IllegalStateException("RevocationLatencyBenchmark needs PostgreSQL: set LATCHKEY_BENCH_POSTGRES_URL, "
                    + "e.g. jdbc:postgresql://127.0.0.1:5432/test (and LATCHKEY_BENCH_POSTGRES_USER/_PASSWORD); skipped");
        }
        poolA = pool(url, user, password);
        poolB = pool(url, user, password);
        recreateSchema(poolA);
        InMemoryUserDirectory directory = new InMemoryUserDirectory().add(USER, "developers");
        ClusterOptions cluster = ClusterOptions.defaults();
        boundNanos = cluster.stalenessBound().toNanos();
        pollNanos = cluster.pollInterval().toNanos();
        a = node(poolA, directory, cluster, "bench-a");
        b = node(poolB, directory, cluster, "bench-b");
        if (wakeUp.equals("listen")) {
            PGSimpleDataSource own = new PGSimpleDataSource();
            own.setURL(url);
            own.setUser(user != null ? user : "postgres");
            if (password != null) {
                own.setPassword(password);
            }
            listener = PgChangeListener.builder(own, b::pollChangesNow).tablePrefix(prefix).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!listener.isListening()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the listener did not start listening within 10 s");
                }
                Thread.sleep(10);
            }
        } else if (!wakeUp.equals("poll")) {
            throw new IllegalArgumentException("wakeUp must be listen or poll, was " + wakeUp);
        }
        running = true;
        if (load > 0) {
            IssuedToken busy = a.tokens().create(Actor.user(USER), NewToken.builder("load", AccessLevel.READ).build());
            Credential c = Credential.bearer(busy.secret().reveal());
            for (int i = 0; i < load; i++) {
                Thread t = new Thread(() -> {
                    while (running) {
                        b.authenticator().authenticate(c, REQUEST);
                    }
                }, "bench-load-" + i);
                t.setDaemon(true);
                t.start();
                loaders.add(t);
            }
        }
    }

    private Latchkey node(DataSource ds, InMemoryUserDirectory directory, ClusterOptions cluster, String name) {
        return Latchkey.builder()
                .store(JdbcTokenStore.builder(ds).dialect(SqlDialect.POSTGRESQL).tablePrefix(prefix).build())
                .directory(directory)
                .auditSink(new CountingAuditSink())
                .cluster(cluster)
                .nodeName(name)
                .noFailedAttemptLimit()
                .lastUseFlushInterval(Duration.ofHours(1))
                .build();
    }

    private static JdbcConnectionPool pool(String url, String user, String password) {
        PGConnectionPoolDataSource pg = new PGConnectionPoolDataSource();
        pg.setURL(url);
        pg.setUser(user != null ? user : "postgres");
        if (password != null) {
            pg.setPassword(password);
        }
        JdbcConnectionPool pool = JdbcConnectionPool.create(pg);
        pool.setMaxConnections(8);
        return pool;
    }

    /** Drops what an earlier trial left (a crashed one too), then installs the schema afresh. */
    private void recreateSchema(DataSource ds) throws SQLException {
        dropTables(ds, prefix);
        SchemaInstaller.install(ds, SqlDialect.POSTGRESQL, prefix);
    }

    /**
     * Drops every table of the current schema whose name starts with {@code prefix} (exactly: {@code _} is no
     * wildcard here), in one statement so that references between them do not matter; their sequences go with them.
     * A lock held elsewhere fails the drop after ten seconds instead of hanging the run.
     */
    static void dropTables(DataSource ds, String prefix) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement q = c.prepareStatement("SELECT tablename FROM pg_tables "
                    + "WHERE schemaname = current_schema() AND left(tablename, length(?)) = ? ORDER BY tablename")) {
                q.setString(1, prefix);
                q.setString(2, prefix);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        tables.add('"' + rs.getString(1).replace("\"", "\"\"") + '"');
                    }
                }
            }
            if (!tables.isEmpty()) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET lock_timeout = '10s'");
                    s.execute("DROP TABLE IF EXISTS " + String.join(", ", tables));
                }
            }
        }
    }

    /**
     * A new token, read and cached by B, then, after a random pause of up to one poll interval, revoked on A: the
     * measurement starts when revoke() returned.
     * <ul>
     *   <li>B caches the token only after its follower has read the token's creation from the feed: that event
     *       also drops the digest from B's cache, and if it arrived between B's read and the revocation, B would
     *       read the store again on the next request and refuse at once, without the revocation having reached
     *       it.</li>
     *   <li>The pause (uniform over one poll interval, counted from just after B's poll) puts the revocation at a
     *       uniformly random point of B's poll cycle; without it each revocation would follow a poll by a few
     *       milliseconds, and the poll-only figures would all be the worst case (one full poll interval).</li>
     * </ul>
     */
    @Setup(Level.Invocation)
    public void revokeOnA() throws InterruptedException {
        current = a.tokens().create(Actor.user(USER), NewToken.builder("t", AccessLevel.READ).build());
        long created = System.currentTimeMillis();
        long deadline = System.nanoTime() + boundNanos * 2;
        // B's last complete read of the feed started after the creation committed
        while (System.currentTimeMillis() - b.clusterState().lag().toMillis() <= created + 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("B did not read the change feed within two bounds");
            }
            Thread.sleep(1);
        }
        currentCredential = Credential.bearer(current.secret().reveal());
        Decision d = b.authenticator().authenticate(currentCredential, REQUEST);
        if (!d.isAllowed()) {
            throw new IllegalStateException("B refuses a new token before the revocation: " + d);
        }
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(pollNanos));
        a.tokens().revoke(Actor.user(USER), current.record().id(), "benchmark");
    }

    /** Asks B until it refuses the token revoked on A. */
    @Benchmark
    public Decision firstRefusalOnB() {
        long start = System.nanoTime();
        while (true) {
            Decision d = b.authenticator().authenticate(currentCredential, REQUEST);
            if (d instanceof Decision.Refused r) {
                if (r.reason() != RefusalReason.REVOKED) {
                    throw new IllegalStateException("B refused the revoked token for another reason: " + r);
                }
                return d;
            }
            if (System.nanoTime() - start > boundNanos + TimeUnit.SECONDS.toNanos(1)) {
                throw new IllegalStateException("B still accepts a token revoked on A more than a second past the bound");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** Stops both nodes and drops the tables this trial made, so nothing is left in the database. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException, SQLException {
        running = false;
        for (Thread t : loaders) {
            t.join(5_000);
        }
        try {
            if (listener != null) {
                listener.close();
            }
            if (b != null) {
                b.close();
            }
            if (a != null) {
                a.close();
            }
            if (poolA != null) {
                dropTables(poolA, prefix);
            }
        } finally {
            if (poolA != null) {
                poolA.dispose();
            }
            if (poolB != null) {
                poolB.dispose();
            }
        }
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }
}
