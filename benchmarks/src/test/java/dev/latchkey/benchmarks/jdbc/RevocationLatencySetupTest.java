package dev.latchkey.benchmarks.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Decision;
import dev.latchkey.core.RefusalReason;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link RevocationLatencyBenchmark} measures what its name says: each invocation ends with B refusing, as
 * {@code REVOKED}, the token revoked on A, within the bound. Needs PostgreSQL, from {@code LATCHKEY_BENCH_POSTGRES_URL}
 * or the test suites' {@code LATCHKEY_TEST_POSTGRES_URL}; skipped with a message without either. A trial leaves no
 * table behind, and clears what a crashed one left.
 */
class RevocationLatencySetupTest {
    private static final String PREFIX = "lkbench_revtest_";

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }

    @ParameterizedTest(name = "wakeUp={0}")
    @ValueSource(strings = {"listen", "poll"})
    void invocationWhenRevokedOnAThenRefusedOnBAsRevokedWithinTheBound(String wakeUp) throws Exception {
        RevocationLatencyBenchmark b = benchmark(wakeUp);
        b.setUp();
        try {
            assertThat(tables(PREFIX)).contains(PREFIX + "tokens", PREFIX + "changes");
            for (int i = 0; i < 3; i++) {
                b.revokeOnA();
                long start = System.nanoTime();
                Decision d = b.firstRefusalOnB();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(d).isInstanceOf(Decision.Refused.class);
                assertThat(((Decision.Refused) d).reason()).isEqualTo(RefusalReason.REVOKED);
                assertThat(ms).as("refused on B after revoke() on A, ms").isLessThan(2_000);
            }
        } finally {
            b.tearDown();
        }
        assertThat(tables(PREFIX)).as("tables left in the database after the trial").isEmpty();
    }

    @Test
    void setUpWhenACrashedRunLeftTablesThenTheyAreDroppedAndLookAlikesAreKept() throws Exception {
        RevocationLatencyBenchmark b = benchmark("poll");
        String lookAlike = "lkbench_revtestxleft"; // the prefix's "_" is no wildcard (lower case: unquoted names fold)
        try {
            execute("CREATE TABLE IF NOT EXISTS " + PREFIX + "tokens (id INT)", // an old, incompatible shape
                    "CREATE TABLE IF NOT EXISTS " + PREFIX + "from_an_older_version (id INT)",
                    "CREATE TABLE IF NOT EXISTS " + lookAlike + " (id INT)");
            b.setUp();
            try {
                assertThat(tables(PREFIX)).doesNotContain(PREFIX + "from_an_older_version").contains(PREFIX + "tokens");
                b.revokeOnA(); // the fresh schema works
                assertThat(b.firstRefusalOnB()).isInstanceOf(Decision.Refused.class);
            } finally {
                b.tearDown();
            }
            assertThat(tables(PREFIX)).isEmpty();
            assertThat(tables(lookAlike)).containsExactly(lookAlike);
        } finally {
            execute("DROP TABLE IF EXISTS " + lookAlike);
        }
    }

    private static String kind() {
        return env("LATCHKEY_BENCH_POSTGRES_URL") != null ? "BENCH" : "TEST";
    }

    private static RevocationLatencyBenchmark benchmark(String wakeUp) {
        String url = env("LATCHKEY_" + kind() + "_POSTGRES_URL");
        Assumptions.assumeTrue(url != null, "RevocationLatencyBenchmark setup SKIPPED: no PostgreSQL "
                + "(set LATCHKEY_BENCH_POSTGRES_URL or LATCHKEY_TEST_POSTGRES_URL)");
        RevocationLatencyBenchmark b = new RevocationLatencyBenchmark();
        b.wakeUp = wakeUp;
        b.load = 1;
        b.prefix = PREFIX;
        b.url = url;
        b.user = env("LATCHKEY_" + kind() + "_POSTGRES_USER");
        b.password = env("LATCHKEY_" + kind() + "_POSTGRES_PASSWORD");
        return b;
    }

    private static Connection connect() throws SQLException {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(env("LATCHKEY_" + kind() + "_POSTGRES_URL"));
        String user = env("LATCHKEY_" + kind() + "_POSTGRES_USER");
        ds.setUser(user != null ? user : "postgres");
        String password = env("LATCHKEY_" + kind() + "_POSTGRES_PASSWORD");
        if (password != null) {
            ds.setPassword(password);
        }
        return ds.getConnection();
    }

    private static void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** The current schema's tables whose names start with {@code prefix} (exactly), as the catalogue lists them. */
    private static List<String> tables(String prefix) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                     + "ORDER BY tablename")) {
            while (rs.next()) {
                if (rs.getString(1).startsWith(prefix)) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
