package dev.latchkey.jdbc.internal;

import dev.latchkey.spi.StoreUnavailableException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTimeoutException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection per call from the host's {@link DataSource}, closed afterwards (so a database that comes back
 * is simply used again: nothing broken is cached), time limits, transactions with a bounded retry on
 * deadlocks, and the mapping of every {@link SQLException} to {@link StoreUnavailableException}.
 *
 * <p>Two limits per call. The statement time-out ({@link java.sql.Statement#setQueryTimeout}) asks the server to
 * cancel a slow statement; it cannot help when the connection itself is frozen (PostgreSQL's cancel travels on a
 * new connection, but its answer comes back on the frozen one). So while a call holds a connection, its network
 * time-out ({@link Connection#setNetworkTimeout}) is lowered to the statement time-out plus {@link #NETWORK_GRACE},
 * which makes a read on a silent socket fail; the previous value is put back before the connection is returned
 * to the host's pool. Drivers without network time-outs (H2 embedded) are simply not asked again.
 */
public final class Jdbc {
    private static final Logger LOG = LoggerFactory.getLogger(Jdbc.class);
    private static final int MAX_ATTEMPTS = 3;
    /**
     * How much longer than the statement time-out a silent connection is waited for: enough for a live server's
     * cancel to arrive first (so a merely slow statement does not cost the connection), short enough to keep the
     * call's bound close to the configured one.
     */
    public static final Duration NETWORK_GRACE = Duration.ofMillis(500);
    // the drivers run the time-out on their own socket; they only require an executor to be given
    private static final Executor DIRECT = Runnable::run;

    private final DataSource dataSource;
    private final Duration timeout;
    private final int queryTimeoutSeconds;
    private final int networkTimeoutMillis;
    private final String component;
    private volatile boolean networkTimeoutSupported = true;

    /** Work done on one connection; may throw {@link SQLException}, which is mapped by the caller. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * @param timeout the statement time-out ({@link Duration#ZERO} for none, which also leaves the connection's
     *                network time-out alone); JDBC counts whole seconds, so a fraction rounds up
     */
    public Jdbc(DataSource dataSource, Duration timeout, String component) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.queryTimeoutSeconds = JdbcOptions.wholeSeconds(timeout);
        this.networkTimeoutMillis = timeout.isZero() ? 0
                : (int) Math.min(Integer.MAX_VALUE, timeout.plus(NETWORK_GRACE).toMillis());
        this.component = component;
    }

    /** The statement time-out in whole seconds (0 for none). */
    public int queryTimeoutSeconds() {
        return queryTimeoutSeconds;
    }

    /** The most a call waits on a silent connection, in milliseconds (0 for no limit). */
    public int networkTimeoutMillis() {
        return networkTimeoutMillis;
    }

    /** Runs {@code work} in auto-commit mode (single reads and single-statement writes). */
    public <T> T autoCommit(String operation, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            int previous = limitNetworkWait(c);
            try {
                return work.run(c);
            } finally {
                restoreNetworkWait(c, previous);
            }
        } catch (SQLException e) {
            throw unavailable(operation, e);
        }
    }

    /**
     * Lowers the connection's network time-out to ours; returns the value to restore, or -1 when nothing was
     * changed (no limit configured, the connection already waits less, or the driver cannot do it).
     */
    private int limitNetworkWait(Connection c) throws SQLException {
        if (networkTimeoutMillis == 0 || !networkTimeoutSupported) {
            return -1;
        }
        try {
            int previous = c.getNetworkTimeout();
            if (previous > 0 && previous <= networkTimeoutMillis) {
                return -1;
            }
            c.setNetworkTimeout(DIRECT, networkTimeoutMillis);
            return previous;
        } catch (SQLFeatureNotSupportedException | AbstractMethodError | UnsupportedOperationException e) {
            networkTimeoutSupported = false;
            LOG.debug("{}: the JDBC driver has no network time-out ({}); statement time-outs only", component, e.toString());
            return -1;
        }
    }

    private void restoreNetworkWait(Connection c, int previous) {
        if (previous < 0) {
            return;
        }
        try {
            if (!c.isClosed()) {
                c.setNetworkTimeout(DIRECT, previous);
            }
        } catch (SQLException | RuntimeException e) {
            // a broken connection cannot be restored; closing it next is all that is left to do
            LOG.debug("{}: could not restore the network time-out: {}", component, e.toString());
        }
    }

    /**
     * Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. Deadlocks and
     * serialization failures (SQLState class 40) are retried a few times; runtime exceptions thrown by the work
     * (conflicts, duplicates) roll back and propagate unchanged.
     */
    public <T> T transaction(String operation, Work<T> work) {
        SQLException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                int previousWait = limitNetworkWait(c);
                boolean restore = c.getAutoCommit();
                if (restore) {
                    c.setAutoCommit(false);
                }
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(c, e);
                    throw e;
                } finally {
                    if (restore) {
                        try {
                            c.setAutoCommit(true);
                        } catch (SQLException ignored) {
                            // the connection is closed next; a pool validates it before reuse
                        }
                    }
                    restoreNetworkWait(c, previousWait);
                }
            } catch (SQLException e) {
                if (!isTransactionConflict(e)) {
                    throw unavailable(operation, e);
                }
                last = e;
                LOG.debug("{}.{}: transaction conflict (SQLState {}), attempt {} of {}", component, operation,
                        e.getSQLState(), attempt, MAX_ATTEMPTS);
            }
        }
        throw unavailable(operation, last);
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** A prepared statement with the configured time-out. */
    public PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        if (queryTimeoutSeconds > 0) {
            ps.setQueryTimeout(queryTimeoutSeconds);
        }
        return ps;
    }

    /** Binds values in order: String, Long, Integer, or {@link #NULL_LONG} / {@link #NULL_STRING}. */
    public static void bind(PreparedStatement ps, Iterable<?> values) throws SQLException {
        int i = 1;
        for (Object v : values) {
            if (v instanceof String s) {
                ps.setString(i, s);
            } else if (v instanceof Long l) {
                ps.setLong(i, l);
            } else if (v instanceof Integer n) {
                ps.setInt(i, n);
            } else if (v == NULL_LONG) {
                ps.setNull(i, Types.BIGINT);
            } else if (v == NULL_STRING) {
                ps.setNull(i, Types.VARCHAR);
            } else {
                throw new IllegalArgumentException("unsupported parameter type " + (v == null ? "null" : v.getClass()));
            }
            i++;
        }
    }

    /** Marker for a NULL BIGINT parameter. */
    public static final Object NULL_LONG = new Object();
    /** Marker for a NULL VARCHAR parameter. */
    public static final Object NULL_STRING = new Object();

    public static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    public static void setString(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    /** Epoch milliseconds; the store keeps millisecond precision (the engine's). */
    public static long millis(Instant instant) {
        try {
            return instant.toEpochMilli();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("instant " + instant + " is outside the storable range (epoch milliseconds)");
        }
    }

    public static Instant instant(long millis) {
        return Instant.ofEpochMilli(millis);
    }

    /** A unique or primary-key violation (SQLState class 23). */
    public static boolean isUniqueViolation(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLIntegrityConstraintViolationException || (state != null && state.startsWith("23"));
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTransactionConflict(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("40");
    }

    /**
     * The exception every storage failure becomes. The message names the operation and the SQLState, never a
     * value, a URL or a credential; the driver's exception is the cause.
     */
    public StoreUnavailableException unavailable(String operation, SQLException e) {
        String state = e == null ? null : e.getSQLState();
        StringBuilder msg = new StringBuilder(component).append('.').append(operation).append(" failed: ");
        // PostgreSQL reports a statement time-out as "query_canceled" (57014) rather than SQLTimeoutException
        if (e instanceof SQLTimeoutException || "57014".equals(state)) {
            msg.append("the database did not answer within the statement time-out of ").append(queryTimeoutSeconds).append(" s");
        } else if (causedBy(e, SocketTimeoutException.class)) {
            msg.append("the database connection was silent for ").append(networkTimeoutMillis)
                    .append(" ms (network time-out; a hung server or network path)");
        } else if (state != null && state.startsWith("08")) {
            msg.append("cannot reach the database");
        } else {
            msg.append("database error");
        }
        msg.append(" (SQLState ").append(state == null ? "none" : state);
        if (e != null) {
            msg.append(", ").append(e.getClass().getSimpleName());
        }
        msg.append(')');
        if (state != null && state.startsWith("42")) {
            msg.append("; is the schema installed with the same table prefix? See SchemaInstaller or the scripts under"
                    + " dev/latchkey/jdbc/schema");
        }
        return new StoreUnavailableException(msg.toString(), e);
    }
}
