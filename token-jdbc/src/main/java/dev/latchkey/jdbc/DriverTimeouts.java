package dev.latchkey.jdbc;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Adds the connection time limits a JDBC driver does not set by itself to a JDBC URL, in that driver's own
 * syntax and units. The stores bound each statement ({@code hotPathTimeout}, {@code queryTimeout}) and lower the
 * network time-out of a connection while they use it; what they cannot bound is opening a connection (a server
 * that accepts the TCP connection and never answers the handshake) and a pool's own traffic. Those need the
 * driver's settings, which all default to "wait forever":
 *
 * <table>
 *   <caption>What {@link #apply} sets</caption>
 *   <tr><th>driver</th><th>connect</th><th>socket</th></tr>
 *   <tr><td>PostgreSQL (pgjdbc)</td><td>{@code connectTimeout} (TCP) and {@code loginTimeout} (the whole
 *       start-up, including a server that never answers), seconds</td><td>{@code socketTimeout}, seconds</td></tr>
 *   <tr><td>MariaDB Connector/J</td><td>{@code connectTimeout}, milliseconds</td><td>{@code socketTimeout},
 *       milliseconds</td></tr>
 *   <tr><td>H2</td><td>(embedded: none needed)</td><td>{@code LOCK_TIMEOUT}, milliseconds: H2 does not apply
 *       statement time-outs to lock waits</td></tr>
 * </table>
 *
 * <p>Choose the socket time-out above the longest statement time-out (default 30 s), or long management queries
 * are cut off by the socket instead of being cancelled. Stateless; thread-safe.
 *
 * <pre>{@code
 * String url = DriverTimeouts.apply("jdbc:postgresql://db:5432/app", Duration.ofSeconds(2), Duration.ofSeconds(35));
 * // jdbc:postgresql://db:5432/app?connectTimeout=2&loginTimeout=2&socketTimeout=35
 * }</pre>
 */
public final class DriverTimeouts {
    private DriverTimeouts() {
    }

    /**
     * {@code jdbcUrl} with the driver's connect and socket time-outs appended.
     *
     * @param connectTimeout the most time to open a connection (positive)
     * @param socketTimeout  the most time any read may wait (positive; above the longest statement time-out)
     * @param jdbcUrl the JDBC URL to extend
     * @return the URL with the time-out parameters added in the driver's own syntax
     * @throws IllegalArgumentException if the URL is not a PostgreSQL, MariaDB or H2 URL, already sets one of these
     *                                  parameters, or a time-out is not positive or too long
     */
    public static String apply(String jdbcUrl, Duration connectTimeout, Duration socketTimeout) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        long connectMillis = checked("connectTimeout", connectTimeout);
        long socketMillis = checked("socketTimeout", socketTimeout);
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            long connect = seconds(connectMillis);
            return query(jdbcUrl, lower, "connectTimeout=" + connect, "loginTimeout=" + connect,
                    "socketTimeout=" + seconds(socketMillis));
        }
        if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
            return query(jdbcUrl, lower, "connectTimeout=" + connectMillis, "socketTimeout=" + socketMillis);
        }
        if (lower.startsWith("jdbc:h2:")) {
            refuseIfPresent(lower, "lock_timeout=");
            return jdbcUrl + ";LOCK_TIMEOUT=" + socketMillis;
        }
        throw new IllegalArgumentException("jdbcUrl must be a PostgreSQL (jdbc:postgresql:), MariaDB (jdbc:mariadb:) or"
                + " H2 (jdbc:h2:) URL; set the time-outs of other drivers by hand");
    }

    private static String query(String url, String lower, String... parameters) {
        StringBuilder sb = new StringBuilder(url);
        char separator = url.indexOf('?') >= 0 ? '&' : '?';
        for (String p : parameters) {
            refuseIfPresent(lower, p.substring(0, p.indexOf('=') + 1).toLowerCase(Locale.ROOT));
            sb.append(separator).append(p);
            separator = '&';
        }
        return sb.toString();
    }

    private static void refuseIfPresent(String lowerUrl, String parameter) {
        int q = Math.max(lowerUrl.indexOf('?'), lowerUrl.indexOf(';'));
        if (q >= 0) {
            String tail = lowerUrl.substring(q);
            if (tail.contains("?" + parameter) || tail.contains("&" + parameter) || tail.contains(";" + parameter)) {
                throw new IllegalArgumentException("jdbcUrl already sets " + parameter.substring(0, parameter.length() - 1)
                        + "; remove it or do not use DriverTimeouts for this URL");
            }
        }
    }

    private static long checked(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException(name + " must be positive and at most a day, was " + d);
        }
        return Math.max(1, d.toMillis());
    }

    private static long seconds(long millis) {
        return (millis + 999) / 1000;
    }
}
