package dev.latchkey.benchmarks.jdbc;

import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.benchmarks.CountingAuditSink;
import dev.latchkey.benchmarks.CountingTokenStore;
import dev.latchkey.benchmarks.Scenario;
import dev.latchkey.benchmarks.TokenText;
import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.Latchkey;
import dev.latchkey.bitbucket.BitbucketRequestClassifier;
import dev.latchkey.jdbc.JdbcTokenStore;
import dev.latchkey.jdbc.SchemaInstaller;
import dev.latchkey.jdbc.SqlDialect;
import dev.latchkey.jdbc.internal.TextCodec;
import dev.latchkey.spi.AccessLevel;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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

/**
 * The cold path: the full decision of {@link dev.latchkey.benchmarks.core.HotPathBenchmark#engine} when the
 * token is not cached, so the engine reads it from {@code JdbcTokenStore} (one indexed read by digest) and
 * compiles it, with 1,000, 100,000 and 1,000,000 tokens stored.
 *
 * <p>Every call misses the cache: the engine is built with {@code cacheMaximumSize(1)} and each thread
 * walks a sample of the stored tokens (up to 10,000, spread over the whole table) with a stride coprime to
 * its size, so no token comes back before all others have. The setup test checks that every call reaches
 * the store.
 *
 * <p>Parameters: {@code tokens} (rows stored) and {@code database}: {@code h2} (embedded, in memory) or
 * {@code postgresql}, which needs
 * {@code LATCHKEY_BENCH_POSTGRES_URL} (and optionally {@code LATCHKEY_BENCH_POSTGRES_USER} /
 * {@code _PASSWORD}) in the environment, e.g. {@code jdbc:postgresql://127.0.0.1:5432/test}; its tables use
 * the prefix {@code lkbench_} and are emptied first. Connections come from H2's small
 * {@code JdbcConnectionPool} for both (the store has no pool of its own; the host brings one).
 *
 * <p>Rows are bulk-loaded with plain JDBC batches in the store's schema (installed by
 * {@code SchemaInstaller}) and encoded as the store encodes them (its {@code internal} text codec, used on
 * the class path), with SHA-256 digests of generated tokens: a million engine {@code create} calls would take
 * far longer and measure nothing more. The last-use flush is set to one hour so the measurement is the read
 * path, not the background write of 10,000 last-use rows every 5 s.
 *
 * <p>H2 runs in memory: a file database with H2's default 16 MB page cache measures that cache's size rather
 * than the store (a million rows' digest index does not fit it, and bulk-loading a million rows into a file
 * takes minutes and gigabytes of not-yet-compacted chunks).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ColdPathBenchmark}; setup loads the rows
 * (30 to 60 seconds for a million on H2 on two cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class ColdPathBenchmark {
    static final int SAMPLE = 10_000;
    static final int STRIDE = 7919; // prime, so coprime to every sample size used here
    static final int OWNERS = 100;
    static final String PG_PREFIX = "lkbench_";
    private static final String COLUMNS = "id, kind, name, owner, created_by, level, domain_levels, resources, "
            + "allowed_cidrs, digest, digest_algorithm, hint, created_at, expires_at, revoked_at, revoked_by, "
            + "revoke_reason, last_used_at, last_used_ip, version, name_lower";

    @Param({"1000", "100000", "1000000"})
    public int tokens;

    @Param({"h2"})
    public String database;

    public Credential[] sample;
    public Latchkey latchkey;
    public CountingTokenStore store;
    private JdbcConnectionPool pool;
    private boolean h2;

    /** Each thread's walk through the sample. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        SqlDialect dialect;
        String prefix;
        switch (database) {
            case "h2" -> {
                h2 = true;
                pool = JdbcConnectionPool.create("jdbc:h2:mem:latchkey-bench-" + tokens + ";DB_CLOSE_DELAY=-1", "sa", "");
                dialect = SqlDialect.H2;
                prefix = "latchkey_";
            }
            case "postgresql" -> {
                String url = env("LATCHKEY_BENCH_POSTGRES_URL");
                if (url == null) {
                    throw new IllegalStateException("database=postgresql needs LATCHKEY_BENCH_POSTGRES_URL, e.g. "
                            + "jdbc:postgresql://127.0.0.1:5432/test (and LATCHKEY_BENCH_POSTGRES_USER/_PASSWORD)");
                }
                PGConnectionPoolDataSource pg = new PGConnectionPoolDataSource();
                pg.setURL(url);
                String user = env("LATCHKEY_BENCH_POSTGRES_USER");
                pg.setUser(user != null ? user : "postgres");
                String password = env("LATCHKEY_BENCH_POSTGRES_PASSWORD");
                if (password != null) {
                    pg.setPassword(password);
                }
                pg.setReWriteBatchedInserts(true);
                pool = JdbcConnectionPool.create(pg);
                dialect = SqlDialect.POSTGRESQL;
                prefix = PG_PREFIX;
            }
            default -> throw new IllegalArgumentException("database must be h2 or postgresql, was " + database);
        }
        pool.setMaxConnections(8);
        SchemaInstaller.install(pool, dialect, prefix);
        String[] plain = load(pool, dialect, prefix, tokens);
        sample = new Credential[plain.length];
        for (int i = 0; i < plain.length; i++) {
            sample[i] = Credential.bearer(plain[i]);
        }

        InMemoryUserDirectory directory = new InMemoryUserDirectory();
        for (int i = 0; i < OWNERS; i++) {
            directory.add(owner(i), "developers");
        }
        store = new CountingTokenStore(JdbcTokenStore.builder(pool).dialect(dialect).tablePrefix(prefix)
                .queryTimeout(Duration.ofSeconds(30)).build());
        latchkey = Latchkey.builder()
                .store(store)
                .directory(directory)
                .auditSink(new CountingAuditSink())
                .classifier(new BitbucketRequestClassifier())
                .cacheMaximumSize(1)
                .lastUseFlushInterval(Duration.ofHours(1))
                .build();
        // the last sample token: the walk starts at index 0, so this one is evicted before it comes round
        Decision d = latchkey.authenticator().authenticate(sample[sample.length - 1], Scenario.REQUEST);
        if (!d.isAllowed()) {
            throw new IllegalStateException("a stored token is refused: " + d);
        }
        // Loading a million rows leaves a heap full of garbage and the read path unsettled: with H2 at 1M the
        // first 5-8 s of reads ran 4-5x slower than the steady state (no GC in that window: JIT and H2 warming
        // up), which the quick profile's 3 s of warm-up did not cover. Collect, then read for at least 10 s and
        // until two passes in a row take about the same time (at most 40 s), as a host that has been running
        // would see it.
        System.gc();
        Cursor warm = new Cursor();
        warm.next = 1;
        long begin = System.nanoTime();
        long minimum = begin + TimeUnit.SECONDS.toNanos(10);
        long deadline = begin + TimeUnit.SECONDS.toNanos(40);
        long previous = Long.MAX_VALUE;
        int steady = 0;
        while ((steady < 2 || System.nanoTime() < minimum) && System.nanoTime() < deadline) {
            long start = System.nanoTime();
            for (int i = 0; i < Math.min(sample.length, 2_000); i++) {
                miss(warm);
            }
            long took = System.nanoTime() - start;
            steady = took < previous * 1.15 && took > previous * 0.85 ? steady + 1 : 0;
            previous = took;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (latchkey != null) {
            latchkey.close();
        }
        if (pool != null) {
            if (h2) {
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                } catch (SQLException e) {
                    // already closed
                }
            }
            pool.dispose();
        }
    }

    @Benchmark
    public Decision miss(Cursor cursor) {
        int i = cursor.next;
        cursor.next = (i + STRIDE) % sample.length;
        return latchkey.authenticator().authenticate(sample[i], Scenario.REQUEST);
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }

    static String owner(int i) {
        return "user" + i;
    }

    /**
     * Empties the token table and inserts {@code count} active READ tokens of {@link Scenario} (same scope, same
     * ten CIDRs), owned round-robin by {@link #OWNERS} users. Returns the plaintexts of a sample spread evenly
     * over the rows.
     */
    static String[] load(DataSource ds, SqlDialect dialect, String prefix, int count) throws SQLException {
        int step = Math.max(1, count / SAMPLE);
        String[] out = new String[Math.min(count, SAMPLE)];
        Random random = new Random(count);
        MessageDigest sha = TokenText.sha256();
        Instant now = Instant.now();
        long created = now.toEpochMilli();
        long expires = now.plus(Duration.ofDays(90)).toEpochMilli();
        String domainLevels = TextCodec.encodeMap(Map.of());
        String resources = TextCodec.encodeList(List.of(Scenario.PROJECT));
        String cidrs = TextCodec.encodeList(Scenario.TOKEN_CIDRS);
        try (Connection c = ds.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("TRUNCATE TABLE " + prefix + "tokens");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + prefix + "tokens (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < count; i++) {
                    String token = TokenText.personal(random);
                    if (i % step == 0 && i / step < out.length) {
                        out[i / step] = token;
                    }
                    String owner = owner(i % OWNERS);
                    String name = "token " + i;
                    int p = 1;
                    ps.setString(p++, "bench" + (10_000_000_000L + i)); // 16 characters, unique
                    ps.setString(p++, "PERSONAL");
                    ps.setString(p++, name);
                    ps.setString(p++, owner);
                    ps.setString(p++, owner);
                    ps.setString(p++, AccessLevel.READ.name());
                    ps.setString(p++, domainLevels);
                    ps.setString(p++, resources);
                    ps.setString(p++, cidrs);
                    ps.setString(p++, TokenText.sha256Hex(sha, token));
                    ps.setString(p++, "sha256");
                    ps.setString(p++, token.substring(0, 4) + "…" + token.substring(token.length() - 4));
                    ps.setLong(p++, created);
                    ps.setLong(p++, expires);
                    ps.setNull(p++, Types.BIGINT);
                    ps.setNull(p++, Types.VARCHAR);
                    ps.setNull(p++, Types.VARCHAR);
                    ps.setNull(p++, Types.BIGINT);
                    ps.setNull(p++, Types.VARCHAR);
                    ps.setLong(p++, 0);
                    ps.setString(p, name);
                    ps.addBatch();
                    if (i % 5000 == 4999) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                ps.executeBatch();
                c.commit();
            }
            if (dialect == SqlDialect.POSTGRESQL) {
                // fresh statistics, so the planner uses the digest index as it would on a long-lived table
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE " + prefix + "tokens");
                }
            }
        }
        return out;
    }
}
