package dev.latchkey.jdbc.faults;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The smallest pool for fault tests: one physical connection, handed out again and again ({@code close()} only
 * returns it), replaced when the driver has closed it. So a frozen connection stays in use the way it would in a
 * real pool, which is the case statement time-outs alone cannot handle. One borrower at a time.
 */
public final class ReusedConnectionDataSource implements DataSource {
    private final String url;
    private final String user;
    private final String password;
    private Connection physical;
    private int opened;

    public ReusedConnectionDataSource(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** How many physical connections were opened. */
    public synchronized int opened() {
        return opened;
    }

    @Override
    public synchronized Connection getConnection() throws SQLException {
        if (physical == null || physical.isClosed()) {
            physical = DriverManager.getConnection(url, user, password);
            opened++;
        }
        Connection real = physical;
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        return null; // back to the "pool"
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Closes the physical connection. */
    public synchronized void shutdown() {
        if (physical != null) {
            try {
                physical.close();
            } catch (SQLException ignored) {
                // best effort in tests
            }
        }
    }

    @Override public Connection getConnection(String u, String p) throws SQLException { throw new SQLFeatureNotSupportedException(); }
    @Override public PrintWriter getLogWriter() { return null; }
    @Override public void setLogWriter(PrintWriter out) { }
    @Override public void setLoginTimeout(int seconds) { }
    @Override public int getLoginTimeout() { return 0; }
    @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }
    @Override public <T> T unwrap(Class<T> iface) throws SQLException { throw new SQLException("not a wrapper"); }
    @Override public boolean isWrapperFor(Class<?> iface) { return false; }

    @Override
    public String toString() {
        return "ReusedConnectionDataSource";
    }
}
