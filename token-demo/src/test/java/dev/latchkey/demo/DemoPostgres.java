package dev.latchkey.demo;

import dev.latchkey.core.ClusterOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A database of its own on the PostgreSQL given by {@code LATCHKEY_TEST_POSTGRES_URL} (or
 * {@code -Dlatchkey.test.postgres.url}, with {@code _USER}/{@code _PASSWORD}), and demo servers clustered on it: the
 * set-up the demo's cluster suites share. Without a URL the suite is skipped with a visible message, or failed when
 * {@code LATCHKEY_TEST_REQUIRE_SERVERS=true}.
 */
final class DemoPostgres {
    private final String adminUrl;
    private final String user;
    private final String password;
    private final String database;
    private final String url;

    private DemoPostgres(String adminUrl, String user, String password, String database) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.database = database;
        this.url = adminUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + database + "$1");
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    /**
     * Creates a fresh database named {@code prefix} plus ten random letters, or skips (fails when servers are
     * required) the suite named {@code suite} when no PostgreSQL is configured.
     */
    static DemoPostgres create(String prefix, String suite) throws SQLException {
        String adminUrl = setting("latchkey.test.postgres.url", "LATCHKEY_TEST_POSTGRES_URL");
        if (adminUrl == null) {
            String why = "no JDBC URL given: set LATCHKEY_TEST_POSTGRES_URL (and _USER/_PASSWORD)";
            if ("true".equalsIgnoreCase(setting("latchkey.test.requireServers", "LATCHKEY_TEST_REQUIRE_SERVERS"))) {
                Assertions.fail("PostgreSQL suite required (LATCHKEY_TEST_REQUIRE_SERVERS=true) but " + why);
            }
            System.err.println("[latchkey-test] PostgreSQL " + suite + " suite SKIPPED: " + why);
            Assumptions.abort("PostgreSQL " + suite + " suite SKIPPED: " + why);
        }
        String user = setting("latchkey.test.postgres.user", "LATCHKEY_TEST_POSTGRES_USER");
        String password = setting("latchkey.test.postgres.password", "LATCHKEY_TEST_POSTGRES_PASSWORD");
        StringBuilder name = new StringBuilder(prefix);
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 10; i++) {
            name.append((char) ('a' + random.nextInt(26)));
        }
        DemoPostgres pg = new DemoPostgres(adminUrl, user == null ? "" : user, password == null ? "" : password,
                name.toString());
        try (Connection c = pg.admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + pg.database);
        }
        return pg;
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection(adminUrl, user, password);
    }

    /** A started demo server named {@code name}, data in {@code dataDir}, a cluster node on this database. */
    DemoServer node(Path dataDir, String name, Duration bound) throws Exception {
        DemoServer s = new DemoServer(DemoServer.Options.defaults(dataDir).withPort(0).withDatabase(url, user, password)
                .withCluster(new DemoServer.Cluster(name, ClusterOptions.withBound(bound))));
        s.start();
        return s;
    }

    /** How many sessions the server holds on this database now. */
    long sessions() throws SQLException {
        try (Connection c = admin();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Drops the database, closing what is still connected to it. */
    void drop() throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
