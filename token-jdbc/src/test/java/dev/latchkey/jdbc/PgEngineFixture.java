package dev.latchkey.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.core.Actor;
import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.Policy;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.jdbc.faults.FaultyTcpProxy;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * What the engine-level PostgreSQL fault tests share: nodes built as a host builds them (Latchkey's builder over
 * {@link JdbcTokenStore} and {@link JdbcAuditLog}, HikariCP with the driver time-outs of {@link DriverTimeouts},
 * as the demo does), each node's database path through its own {@link FaultyTcpProxy}, and what the tests
 * observe: decisions, threads stuck in the driver, log lines, server-side table statistics. Closes everything
 * it made, newest first.
 */
final class PgEngineFixture implements AutoCloseable {
    static final int USERS = 10;

    final TestDatabase db;
    final String prefix;
    final InMemoryUserDirectory directory = new InMemoryUserDirectory();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    /** A fresh schema on the test PostgreSQL; skips the calling test (with a reason) when there is none. */
    PgEngineFixture() {
        this.db = TestDatabase.postgres();
        this.prefix = db.freshSchema();
        cleanup.add(() -> db.drop(prefix));
        for (int i = 0; i < USERS; i++) {
            directory.add(user(i), "developers");
        }
    }

    static String user(int i) {
        return "u" + i;
    }

    <T extends AutoCloseable> T closeLater(T resource) {
        cleanup.add(resource);
        return resource;
    }

    FaultyTcpProxy proxy() throws Exception {
        return closeLater(FaultyTcpProxy.inFrontOf(db.url));
    }

    /**
     * The demo's pool (token-demo {@code DemoServer}): 10 connections, a request waits at most 2 s for one,
     * validation within 1 s, and the driver's connect/login limit 2 s and socket limit 35 s; through
     * {@code proxy}.
     */
    HikariDataSource pool(FaultyTcpProxy proxy, String name) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(DriverTimeouts.apply(proxy.jdbcUrl(db.url), Duration.ofSeconds(2), Duration.ofSeconds(35)));
        hc.setUsername(db.user);
        hc.setPassword(db.password);
        hc.setPoolName("lk-test-" + name);
        hc.setMaximumPoolSize(10);
        hc.setConnectionTimeout(2_000);
        hc.setValidationTimeout(1_000);
        return closeLater(new HikariDataSource(hc));
    }

    JdbcTokenStore store(DataSource ds) {
        return JdbcTokenStore.builder(ds).dialect(db.dialect).tablePrefix(prefix).build();
    }

    JdbcAuditLog auditLog(DataSource ds) {
        return JdbcAuditLog.builder(ds).dialect(db.dialect).tablePrefix(prefix).build();
    }

    /** An engine over {@code ds} with the default policy and the given audit sink; closed after the test. */
    Latchkey node(DataSource ds, AuditSink audit, Consumer<Latchkey.Builder> options) {
        Latchkey.Builder b = Latchkey.builder().store(store(ds)).directory(directory).auditSink(audit)
                .initialPolicy(Policy.defaults().with(Map.of("useTokens", "developers")));
        options.accept(b);
        return closeLater(b.build());
    }

    static IssuedToken create(Latchkey node, int user, String name) {
        return node.tokens().create(Actor.user(user(user)), NewToken.builder(name, AccessLevel.READ).build());
    }

    static Decision auth(Latchkey node, Credential credential) {
        return node.authenticator().authenticate(credential, RequestFacts.of("GET", "/rest/api/1.0/projects", "10.1.2.3"));
    }

    static Decision auth(Latchkey node, IssuedToken t) {
        return auth(node, Credential.bearer(t.secret().reveal()));
    }

    static long millisUntil(BooleanSupplier condition, long limitMs) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(limitMs)) {
                throw new AssertionError("condition not met within " + limitMs + " ms");
            }
            Thread.sleep(5);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** The threads matching {@code which} whose stack is inside the JDBC driver or the pool right now. */
    static List<String> inDriver(Predicate<Thread> which) {
        List<String> found = new ArrayList<>();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t != Thread.currentThread() && which.test(t)) {
                for (StackTraceElement e : stack) {
                    if (e.getClassName().startsWith("org.postgresql.") || e.getClassName().startsWith("com.zaxxer.hikari.")) {
                        found.add(t.getName() + " at " + e);
                        break;
                    }
                }
            }
        });
        return found;
    }

    /** The threads (any) blocked reading a PostgreSQL connection in two samples {@code gapMs} apart. */
    static List<String> stuckInDriverRead(long gapMs) throws InterruptedException {
        List<Thread> first = readingPg();
        Thread.sleep(gapMs);
        List<Thread> second = readingPg();
        List<String> stuck = new ArrayList<>();
        for (Thread t : first) {
            if (second.contains(t)) {
                stuck.add(t.getName());
            }
        }
        return stuck;
    }

    private static List<Thread> readingPg() {
        List<Thread> found = new ArrayList<>();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            boolean reading = false;
            boolean pg = false;
            for (StackTraceElement e : stack) {
                reading |= e.getMethodName().startsWith("read") && (e.getClassName().startsWith("sun.nio.ch.")
                        || e.getClassName().startsWith("java.net."));
                pg |= e.getClassName().startsWith("org.postgresql.");
            }
            if (reading && pg) {
                found.add(t);
            }
        });
        return found;
    }

    /** Server-side statistics of one of this schema's tables (PostgreSQL's cumulative statistics). */
    record TableStats(long seqScan, long idxScan, long inserted) {
        long reads() {
            return seqScan + idxScan;
        }
    }

    /**
     * The table's counters as the server sees them, after waiting for the backends to flush theirs (PostgreSQL 15
     * flushes a session's counters at most once a second and when it ends).
     */
    TableStats stats(String table) throws SQLException, InterruptedException {
        Thread.sleep(1_200);
        try (Connection c = db.dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT coalesce(seq_scan, 0), coalesce(idx_scan, 0), n_tup_ins "
                     + "FROM pg_stat_user_tables WHERE relname = ?")) {
            ps.setString(1, prefix + table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("no statistics for " + prefix + table);
                }
                return new TableStats(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        }
    }

    /** Everything written to System.err between {@link #start()} and {@link #stop()} (where slf4j-simple logs). */
    static final class LogCapture {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private PrintStream old;

        LogCapture start() {
            old = System.err;
            System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            return this;
        }

        List<String> stop() {
            if (old != null) {
                System.setErr(old);
                old = null;
            }
            return bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            try {
                cleanup.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
