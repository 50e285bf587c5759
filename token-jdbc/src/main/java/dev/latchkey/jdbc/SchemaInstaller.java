package dev.latchkey.jdbc;

import dev.latchkey.jdbc.internal.Jdbc;
import dev.latchkey.jdbc.internal.TablePrefix;
import dev.latchkey.spi.StoreUnavailableException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates token-jdbc's tables and indexes when they are absent (opt-in; hosts that manage their schema with
 * Flyway or Liquibase use the versioned scripts under {@link SqlDialect#schemaLocation()} instead).
 *
 * <p>Idempotent: every statement is {@code IF NOT EXISTS}, so running it on every start is safe, and several
 * nodes may run it at once (PostgreSQL and MariaDB serialise installers with an advisory lock; any installer
 * that still collides retries).
 */
public final class SchemaInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaInstaller.class);
    private static final Pattern DEFAULT_PREFIX = Pattern.compile("\\b" + TablePrefix.DEFAULT);
    /** The versioned scripts, in order; each is idempotent, so installing all of them is always safe. */
    private static final List<String> SCRIPTS = List.of("V1__latchkey_schema.sql", "V2__latchkey_nodes.sql");
    private static final int ATTEMPTS = 5;
    private static final long ADVISORY_LOCK_KEY = 0x4c617463686b6579L; // "Latchkey"

    private SchemaInstaller() {
    }

    /**
     * Installs the schema with the default table prefix {@code latchkey_}.
     *
     * @param dataSource the data source to install into
     * @param dialect    the database's dialect
     * @throws StoreUnavailableException if the database failed or refused a statement (e.g. missing privileges)
     */
    public static void install(DataSource dataSource, SqlDialect dialect) {
        install(dataSource, dialect, TablePrefix.DEFAULT);
    }

    /**
     * Creates the tables and indexes for {@code tablePrefix} if they are absent.
     *
     * @param dataSource  the data source to install into
     * @param dialect     the database's dialect
     * @param tablePrefix the table name prefix
     * @throws IllegalArgumentException  if the prefix does not match {@code [A-Za-z][A-Za-z0-9_]{0,30}}
     * @throws StoreUnavailableException if the database failed or refused a statement (e.g. missing privileges)
     */
    public static void install(DataSource dataSource, SqlDialect dialect, String tablePrefix) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(dialect, "dialect");
        List<String> statements = statements(dialect, tablePrefix);
        Jdbc jdbc = new Jdbc(dataSource, java.time.Duration.ZERO, "SchemaInstaller");
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                lock(c, dialect, tablePrefix);
                try {
                    try (Statement s = c.createStatement()) {
                        for (String sql : statements) {
                            s.execute(sql);
                        }
                    }
                } finally {
                    unlock(c, dialect, tablePrefix);
                }
                LOG.info("Latchkey schema present ({} statements checked; dialect {}, table prefix {})",
                        statements.size(), dialect, tablePrefix);
                return;
            } catch (SQLException e) {
                last = e;
                LOG.debug("Latchkey schema installation attempt {} of {} failed (SQLState {})", attempt, ATTEMPTS,
                        e.getSQLState());
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw jdbc.unavailable("install", last);
    }

    /**
     * The statements {@link #install} runs for {@code tablePrefix}: the dialect's scripts (V1 tokens, feed,
     * policy and audit; V2 the node registry) with the prefix substituted.
     *
     * @param dialect     the database's dialect
     * @param tablePrefix the table name prefix
     * @return the SQL statements, in order
     * @throws IllegalArgumentException if the prefix is not a plain identifier
     */
    public static List<String> statements(SqlDialect dialect, String tablePrefix) {
        Objects.requireNonNull(dialect, "dialect");
        String prefix = TablePrefix.check(tablePrefix);
        List<String> out = new ArrayList<>();
        for (String name : SCRIPTS) {
            split(DEFAULT_PREFIX.matcher(readScript(dialect, name)).replaceAll(Matcher.quoteReplacement(prefix)), dialect, out);
        }
        return List.copyOf(out);
    }

    private static void split(String script, SqlDialect dialect, List<String> out) {
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("schema script for " + dialect + " ends without a semicolon");
        }
    }

    private static String readScript(SqlDialect dialect, String name) {
        String resource = "/" + dialect.schemaLocation() + "/" + name;
        try (InputStream in = SchemaInstaller.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema script " + resource + " is missing from the token-jdbc jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema script " + resource, e);
        }
    }

    private static void lock(Connection c, SqlDialect dialect, String prefix) throws SQLException {
        switch (dialect) {
            case POSTGRESQL -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
                    ps.setLong(1, ADVISORY_LOCK_KEY);
                    ps.execute();
                }
            }
            case MARIADB -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, 60)")) {
                    ps.setString(1, "latchkey_schema_" + prefix);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next() || rs.getInt(1) != 1) {
                            throw new SQLException("could not take the schema installation lock within 60 s", "55P03");
                        }
                    }
                }
            }
            case H2 -> {
                // H2 serialises DDL itself; a collision is retried
            }
        }
    }

    private static void unlock(Connection c, SqlDialect dialect, String prefix) {
        try {
            switch (dialect) {
                case POSTGRESQL -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                        ps.setLong(1, ADVISORY_LOCK_KEY);
                        ps.execute();
                    }
                }
                case MARIADB -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
                        ps.setString(1, "latchkey_schema_" + prefix);
                        ps.execute();
                    }
                }
                case H2 -> {
                }
            }
        } catch (SQLException e) {
            // session-level locks are released when the connection closes anyway
            LOG.debug("could not release the schema installation lock (SQLState {})", e.getSQLState());
        }
    }
}
