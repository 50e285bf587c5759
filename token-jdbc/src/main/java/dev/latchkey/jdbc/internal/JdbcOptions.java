package dev.latchkey.jdbc.internal;

import dev.latchkey.jdbc.SqlDialect;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The options the JDBC store and audit log share, each settable once and checked when set. Their public
 * builders delegate here so the rules (and messages) are written once. Not thread-safe.
 */
public final class JdbcOptions {
    private final DataSource dataSource;
    private SqlDialect dialect;
    private String tablePrefix = TablePrefix.DEFAULT;
    private boolean tablePrefixSet;
    private Duration queryTimeout = Duration.ofSeconds(30);
    private boolean queryTimeoutSet;

    public JdbcOptions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public void dialect(SqlDialect value) {
        Objects.requireNonNull(value, "dialect");
        if (dialect != null) {
            throw new IllegalStateException("dialect was already set to " + dialect);
        }
        dialect = value;
    }

    public void tablePrefix(String value) {
        String checked = TablePrefix.check(value);
        if (tablePrefixSet) {
            throw new IllegalStateException("tablePrefix was already set to " + tablePrefix);
        }
        tablePrefix = checked;
        tablePrefixSet = true;
    }

    public void queryTimeout(Duration value) {
        Objects.requireNonNull(value, "queryTimeout");
        if (value.isNegative() || value.compareTo(Duration.ofSeconds(Integer.MAX_VALUE - 1)) > 0) {
            throw new IllegalArgumentException("queryTimeout must be between 0 (none) and " + (Integer.MAX_VALUE - 1)
                    + " seconds, was " + value);
        }
        if (queryTimeoutSet) {
            throw new IllegalStateException("queryTimeout was already set to " + queryTimeout);
        }
        queryTimeout = value;
        queryTimeoutSet = true;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The dialect set, or the one detected from the database's metadata (needs a connection). */
    public SqlDialect dialectOrDetect(String component) {
        return dialect != null ? dialect : Dialects.detect(dataSource, component);
    }

    public String tablePrefix() {
        return tablePrefix;
    }

    public Duration queryTimeout() {
        return queryTimeout;
    }

    /** The time-out in whole JDBC seconds, a fraction rounding up; 0 for none. */
    public int queryTimeoutSeconds() {
        return queryTimeout.isZero() ? 0 : (int) (queryTimeout.getSeconds() + (queryTimeout.getNano() > 0 ? 1 : 0));
    }
}
