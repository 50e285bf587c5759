package dev.latchkey.jdbc;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import javax.sql.DataSource;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the suites run on. H2 (in memory) always runs. PostgreSQL and MariaDB run when their JDBC URL is
 * given as a system property ({@code latchkey.test.postgres.url}, {@code .user}, {@code .password}; same for
 * {@code mariadb}) or environment variable ({@code LATCHKEY_TEST_POSTGRES_URL}, ...). Without one they are skipped
 * with a visible reason, unless {@code latchkey.test.requireServers=true} / {@code LATCHKEY_TEST_REQUIRE_SERVERS=true},
 * in which case a missing or unreachable server fails the suite.
 */
final class TestDatabase {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, TestDatabase> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, String> UNAVAILABLE = new ConcurrentHashMap<>();

    final String label;
    final SqlDialect dialect;
    final DataSource dataSource;
    final String url;
    final String user;
    final String password;

    private TestDatabase(String label, SqlDialect dialect, DataSource dataSource, String url) {
        this(label, dialect, dataSource, url, "", "");
    }

    private TestDatabase(String label, SqlDialect dialect, DataSource dataSource, String url, String user, String password) {
        this.label = label;
        this.dialect = dialect;
        this.dataSource = dataSource;
        this.url = url;
        this.user = user == null ? "" : user;
        this.password = password == null ? "" : password;
    }

    /** A database the caller set up itself (e.g. an H2 server started by the test). */
    static TestDatabase of(String label, SqlDialect dialect, DataSource dataSource, String url) {
        return new TestDatabase(label, dialect, dataSource, url);
    }

    static TestDatabase h2() {
        return CACHE.computeIfAbsent("h2", k -> {
            String url = "jdbc:h2:mem:latchkey;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
            return new TestDatabase("H2", SqlDialect.H2, new SimpleDataSource(url, "sa", ""), url);
        });
    }

    static TestDatabase postgres() {
        return server("postgres", "PostgreSQL", SqlDialect.POSTGRESQL);
    }

    static TestDatabase mariadb() {
        return server("mariadb", "MariaDB", SqlDialect.MARIADB);
    }

    static boolean serversRequired() {
        return "true".equalsIgnoreCase(setting("latchkey.test.requireServers", "LATCHKEY_TEST_REQUIRE_SERVERS"));
    }

    /** A setting from the system property, else the environment variable; null when neither is set or blank. */
    static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static TestDatabase server(String key, String label, SqlDialect dialect) {
        TestDatabase cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        String known = UNAVAILABLE.get(key);
        if (known != null) {
            skipOrFail(label, known, null);
        }
        String envKey = "LATCHKEY_TEST_" + key.toUpperCase(Locale.ROOT);
        String url = setting("latchkey.test." + key + ".url", envKey + "_URL");
        String user = setting("latchkey.test." + key + ".user", envKey + "_USER");
        String password = setting("latchkey.test." + key + ".password", envKey + "_PASSWORD");
        if (url == null) {
            unavailable(key, label, "no JDBC URL given: set -Dlatchkey.test." + key + ".url=... (and .user/.password) or "
                    + envKey + "_URL", null);
        }
        DataSource ds = new SimpleDataSource(url, user, password == null ? "" : password);
        try (Connection c = ds.getConnection()) {
            c.isValid(5);
        } catch (SQLException e) {
            unavailable(key, label, "cannot connect to " + url + " (SQLState " + e.getSQLState() + ": " + e.getMessage() + ")", e);
        }
        TestDatabase db = new TestDatabase(label, dialect, ds, url, user, password);
        CACHE.put(key, db);
        return db;
    }

    private static void unavailable(String key, String label, String why, Throwable cause) {
        if (UNAVAILABLE.putIfAbsent(key, why) == null && !serversRequired()) {
            System.err.println("[latchkey-test] " + label + " suites SKIPPED: " + why);
        }
        skipOrFail(label, why, cause);
    }

    private static void skipOrFail(String label, String why, Throwable cause) {
        if (serversRequired()) {
            Assertions.fail(label + " suite required (latchkey.test.requireServers=true) but " + why, cause);
        }
        Assumptions.abort(label + " suite SKIPPED: " + why);
    }

    /** A fresh table prefix, unique across runs and concurrent builds sharing a server. */
    String newPrefix() {
        StringBuilder sb = new StringBuilder("lkt");
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < 10; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.append('_').toString();
    }

    /** Installs the schema for a fresh prefix and returns the prefix. */
    String freshSchema() {
        String prefix = newPrefix();
        SchemaInstaller.install(dataSource, dialect, prefix);
        return prefix;
    }

    void drop(String prefix) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String t : new String[] {"tokens", "changes", "change_seq", "policy", "audit", "nodes"}) {
                s.execute("DROP TABLE IF EXISTS " + prefix + t);
            }
        } catch (SQLException e) {
            System.err.println("[latchkey-test] could not drop tables " + prefix + "*: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
