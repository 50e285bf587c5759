package dev.latchkey.jdbc.internal;

import dev.latchkey.jdbc.SqlDialect;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import dev.latchkey.spi.internal.SetOnce;

/**
 * The options the JDBC store and audit log share, each settable once and checked when set. Their public
 * builders delegate here so the rules (and messages) are written once. Not thread-safe.
 */
public final class JdbcOptions {
    private final DataSource dataSource;
    private SqlDialect dialect;
    private String tablePrefix = TablePrefix.DEFAULT;
    private boolean tablePrefixSet;
    private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
    private boolean queryTimeoutSet;
    private Duration hotPathTimeout = DEFAULT_HOT_PATH_TIMEOUT;
    private boolean hotPathTimeoutSet;

    /** Management queries, writes and clean-ups: they may scan or wait for the change-sequence lock. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(30);
    /** Single indexed reads on the request path and the change-feed poll; an answer later than this is no help. */
    public static final Duration DEFAULT_HOT_PATH_TIMEOUT = Duration.ofSeconds(2);

    public JdbcOptions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public void dialect(SqlDialect value) {
        Objects.requireNonNull(value, "dialect");
        SetOnce.check(dialect, "dialect");
        dialect = value;
    }

    public void tablePrefix(String value) {
        String checked = TablePrefix.check(value);
        SetOnce.check(tablePrefixSet, tablePrefix, "tablePrefix");
        tablePrefix = checked;
        tablePrefixSet = true;
    }

    public void queryTimeout(Duration value) {
        Objects.requireNonNull(value, "queryTimeout");
        if (value.isNegative() || value.compareTo(Duration.ofSeconds(Integer.MAX_VALUE - 1)) > 0) {
            throw new IllegalArgumentException("queryTimeout must be between 0 (none) and " + (Integer.MAX_VALUE - 1)
                    + " seconds, was " + value);
        }
        SetOnce.check(queryTimeoutSet, queryTimeout, "queryTimeout");
        queryTimeout = value;
        queryTimeoutSet = true;
    }

    public void hotPathTimeout(Duration value) {
        Objects.requireNonNull(value, "hotPathTimeout");
        if (value.isNegative() || value.isZero() || value.compareTo(Duration.ofSeconds(Integer.MAX_VALUE / 1000 - 1)) > 0) {
            throw new IllegalArgumentException("hotPathTimeout must be positive (the request path always has a time"
                    + " limit) and at most " + (Integer.MAX_VALUE / 1000 - 1) + " seconds, was " + value);
        }
        SetOnce.check(hotPathTimeoutSet, hotPathTimeout, "hotPathTimeout");
        hotPathTimeout = value;
        hotPathTimeoutSet = true;
    }

    public Duration hotPathTimeout() {
        return hotPathTimeout;
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

    /** A time-out in whole JDBC seconds, a fraction rounding up; 0 for none. */
    public static int wholeSeconds(Duration timeout) {
        return timeout.isZero() ? 0 : (int) (timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0));
    }
}
