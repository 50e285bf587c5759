package dev.latchkey.jdbc;

import dev.latchkey.jdbc.internal.Jdbc;
import dev.latchkey.jdbc.internal.TablePrefix;
import dev.latchkey.spi.NoticeLedger;
import dev.latchkey.spi.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The {@link NoticeLedger} over a database shared by every node: one row per sent notice in
 * {@code <prefix>notices}, whose primary key makes each claim atomic, so each notice goes out once across nodes
 * and restarts. The table comes from {@code V3__latchkey_notices.sql} under {@link SqlDialect#schemaLocation()}
 * (Flyway/Liquibase) or {@link #installSchema()}. Thread-safe.
 */
public final class JdbcNoticeLedger implements NoticeLedger {
    private static final String SCRIPT = "V3__latchkey_notices.sql";
    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final String prefix;
    private final Jdbc jdbc;
    private final String insert;

    private JdbcNoticeLedger(DataSource dataSource, SqlDialect dialect, String prefix, Duration timeout) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.prefix = prefix;
        this.jdbc = new Jdbc(dataSource, timeout, "JdbcNoticeLedger");
        this.insert = "INSERT INTO " + prefix + "notices (token_id, notice_key, claimed_at) VALUES (?, ?, ?)";
    }

    /**
     * A ledger in {@code dataSource} with the tables of {@code tablePrefix} (the same prefix as the store's).
     *
     * @param dataSource  the database
     * @param dialect     the database's SQL dialect
     * @param tablePrefix the prefix of the tables, as the store uses it
     * @return the ledger; call {@link #installSchema()} unless the table exists
     * @throws IllegalArgumentException if the prefix is not {@code [A-Za-z][A-Za-z0-9_]{0,30}}
     * @throws NullPointerException if an argument is null
     */
    public static JdbcNoticeLedger of(DataSource dataSource, SqlDialect dialect, String tablePrefix) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(dialect, "dialect");
        return new JdbcNoticeLedger(dataSource, dialect, TablePrefix.check(tablePrefix), Duration.ofSeconds(5));
    }

    /**
     * A ledger over the same database and tables as {@code store}.
     *
     * @param dataSource the database the store uses
     * @param store      the store whose dialect and table prefix the ledger uses
     * @return the ledger
     * @throws NullPointerException if {@code store} is null
     */
    public static JdbcNoticeLedger of(DataSource dataSource, JdbcTokenStore store) {
        Objects.requireNonNull(store, "store");
        return of(dataSource, store.dialect(), store.tablePrefix());
    }

    /**
     * Creates {@code <prefix>notices} if it is absent (idempotent; safe on every start of every node).
     *
     * @return this ledger
     * @throws StoreUnavailableException if the database failed or refused
     */
    public JdbcNoticeLedger installSchema() {
        String script = readScript().replace("latchkey_", prefix);
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        String ddl = sql.toString().strip();
        String statement = ddl.endsWith(";") ? ddl.substring(0, ddl.length() - 1) : ddl;
        jdbc.autoCommit("installNotices", c -> {
            try (Statement s = c.createStatement()) {
                s.execute(statement);
            }
            return null;
        });
        return this;
    }

    private String readScript() {
        String resource = "/" + dialect.schemaLocation() + "/" + SCRIPT;
        try (InputStream in = JdbcNoticeLedger.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema script " + resource + " is missing from the token-jdbc jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema script " + resource, e);
        }
    }

    @Override
    public boolean claim(String tokenId, String noticeKey, Instant at) {
        check("tokenId", tokenId);
        check("noticeKey", noticeKey);
        Objects.requireNonNull(at, "at");
        return jdbc.autoCommit("claimNotice", c -> {
            try (PreparedStatement ps = jdbc.prepare(c, insert)) {
                ps.setString(1, tokenId);
                ps.setString(2, noticeKey);
                ps.setLong(3, Jdbc.millis(at));
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (Jdbc.isUniqueViolation(e)) {
                    return false; // somebody (another node, an earlier run) claimed it first
                }
                throw e;
            }
        });
    }

    private static void check(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank() || value.length() > 128) {
            throw new IllegalArgumentException(name + " must be 1-128 characters and not blank, was "
                    + value.length() + " characters");
        }
    }

    @Override
    public String toString() {
        return "JdbcNoticeLedger[" + dialect + ", " + prefix + "notices]";
    }
}
