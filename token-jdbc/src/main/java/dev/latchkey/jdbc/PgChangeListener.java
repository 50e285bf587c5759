package dev.latchkey.jdbc;

import dev.latchkey.jdbc.internal.ChangeChannel;
import dev.latchkey.jdbc.internal.TablePrefix;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.latchkey.spi.internal.SetOnce;

/**
 * Wakes a node as soon as another node's change commits, on PostgreSQL: {@link JdbcTokenStore} sends
 * {@code NOTIFY <prefix>changes} in the transaction of every change-feed event, and this listener holds one
 * dedicated connection that {@code LISTEN}s on that channel and calls a wake-up callback for each batch of
 * notifications (typically: "poll the change feed now"). The change-feed poll stays the safety net and the only
 * path on H2 and MariaDB: a notification says "look now", never what changed, so a lost or forged one costs at
 * most a poll.
 *
 * <pre>{@code
 * PgChangeListener listener = PgChangeListener.builder(dataSource, latchkey::pollChangesNow)
 *         .tablePrefix("latchkey_")
 *         .start();
 * ...
 * listener.close();
 * }</pre>
 *
 * <p>One daemon thread waits for notifications ({@code PGConnection.getNotifications(timeout)}). When none came for
 * a {@linkplain Builder#heartbeat heartbeat}, it checks the connection with {@code SELECT 1} under a network
 * time-out, because a frozen connection looks exactly like a quiet one; a failed check or any error closes the
 * connection and opens a new one, with a backoff that doubles up to a maximum. After each (re)connection the
 * callback is called once, since notifications sent while nobody listened are lost. The callback runs on the
 * listener thread, must be quick and thread-safe; what it throws is logged and ignored.
 *
 * <p>The connection comes from {@code dataSource} and is held for the listener's life: a pool lends one
 * connection to it for good (size the pool for it, or give the listener a data source of its own). Needs the
 * PostgreSQL JDBC driver (pgjdbc) on the class path. Thread-safe; {@link #close()} is idempotent.
 */
public final class PgChangeListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgChangeListener.class);
    private static final Executor DIRECT = Runnable::run;

    private final DataSource dataSource;
    private final Runnable onChange;
    private final String channel;
    private final Duration heartbeat;
    private final Duration checkTimeout;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition closing = lock.newCondition();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong notifications = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean listening;
    private volatile Connection current;
    private boolean callbackFailing;

    private PgChangeListener(Builder b) {
        this.dataSource = b.dataSource;
        this.onChange = b.onChange;
        this.channel = ChangeChannel.name(b.tablePrefix);
        this.heartbeat = b.heartbeat;
        this.checkTimeout = b.checkTimeout;
        this.minBackoff = b.minBackoff;
        this.maxBackoff = b.maxBackoff;
        this.thread = new Thread(this::run, "latchkey-pg-listener-" + channel);
        thread.setDaemon(true);
    }

    /**
     * A builder for a listener that calls {@code onChange} when a change commits.
     *
     * @param dataSource where connections for {@code LISTEN} come from; the listener holds one open
     * @param onChange   called on the listener's thread for every notification, and once after every connection
     *                   is opened
     * @return a builder with the defaults
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the PostgreSQL JDBC driver is not on the class path
     */
    public static Builder builder(DataSource dataSource, Runnable onChange) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(onChange, "onChange");
        try {
            Class.forName("org.postgresql.PGConnection", false, PgChangeListener.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("PgChangeListener needs the PostgreSQL JDBC driver (org.postgresql:postgresql)"
                    + " on the class path", e);
        }
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"), Objects.requireNonNull(onChange, "onChange"));
    }

    /**
     * The channel listened on ({@code latchkey_changes} for the default prefix).
     *
     * @return the channel name
     */
    public String channel() {
        return channel;
    }

    /**
     * True while a connection is open and {@code LISTEN}ing.
     *
     * @return true while listening
     */
    public boolean isListening() {
        return listening;
    }

    /**
     * How many connections were opened successfully (1 while the first holds; more after reconnections).
     *
     * @return the number of connections opened
     */
    public long connectionCount() {
        return connections.get();
    }

    /**
     * How many notifications arrived on the channel.
     *
     * @return the number of notifications received
     */
    public long notificationCount() {
        return notifications.get();
    }

    /** Stops the thread and closes the connection, waiting up to 5 s for the thread to end. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closing.signalAll();
        } finally {
            lock.unlock();
        }
        closeQuietly(current); // ends a wait on the socket at once
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "PgChangeListener[channel=" + channel + ", listening=" + listening + ", connections=" + connections.get() + "]";
    }

    private void run() {
        Duration backoff = minBackoff;
        boolean failing = false;
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                current = c;
                if (closed) {
                    return;
                }
                listenOn(c);
                if (failing) {
                    LOG.info("listening for changes on channel {} again", channel);
                } else {
                    LOG.debug("listening for changes on channel {}", channel);
                }
                failing = false;
                backoff = minBackoff;
                wake(); // whatever committed while nobody listened
                waitForNotifications(c);
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (closed) {
                    return;
                }
                if (!failing) {
                    LOG.warn("lost the change notifications on channel {} ({}); reconnecting, the change-feed poll covers"
                            + " the gap", channel, describe(e));
                } else {
                    LOG.debug("still cannot listen on channel {}: {}", channel, describe(e));
                }
                failing = true;
            } finally {
                listening = false;
                current = null;
            }
            if (!pause(backoff)) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
        }
    }

    private void listenOn(Connection c) throws SQLException {
        c.setAutoCommit(true);
        // a frozen connection must fail the check instead of blocking it: the check's read waits at most this long
        c.setNetworkTimeout(DIRECT, (int) checkTimeout.toMillis());
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN \"" + channel + "\""); // channel is built from a checked identifier
        }
        connections.incrementAndGet();
        listening = true;
    }

    private void waitForNotifications(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        int wait = (int) Math.max(1, heartbeat.toMillis());
        while (!closed) {
            PGNotification[] batch = pg.getNotifications(wait);
            int ours = 0;
            if (batch != null) {
                for (PGNotification n : batch) {
                    if (channel.equals(n.getName())) {
                        ours++;
                    }
                }
            }
            if (ours > 0) {
                notifications.addAndGet(ours);
                wake();
            } else {
                check(c);
            }
        }
    }

    /** A round trip, bounded by the network time-out: the only way to tell a frozen connection from a quiet one. */
    private void check(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout((int) Math.max(1, (checkTimeout.toMillis() + 999) / 1000));
            s.execute("SELECT 1");
        }
    }

    private void wake() {
        try {
            onChange.run();
            callbackFailing = false;
        } catch (RuntimeException e) {
            if (!callbackFailing) {
                LOG.warn("the change callback failed (logged once until it succeeds again): {}", e.toString());
            }
            callbackFailing = true;
        }
    }

    /** Sleeps for the backoff unless closed meanwhile; false when closed. */
    private boolean pause(Duration d) {
        lock.lock();
        try {
            long nanos = d.toNanos();
            while (!closed && nanos > 0) {
                nanos = closing.awaitNanos(nanos);
            }
            return !closed;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    private static String describe(Exception e) {
        if (e instanceof SQLException s) {
            return s.getClass().getSimpleName() + ", SQLState " + s.getSQLState();
        }
        return e.getClass().getSimpleName();
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // the thread sees the closed connection and ends
        }
    }

    /** Configures a {@link PgChangeListener}. Each option may be set once; not thread-safe. */
    public static final class Builder {
        private final DataSource dataSource;
        private final Runnable onChange;
        private String tablePrefix = TablePrefix.DEFAULT;
        private boolean prefixSet;
        private Duration heartbeat = Duration.ofSeconds(1);
        private boolean heartbeatSet;
        private Duration checkTimeout = Duration.ofSeconds(2);
        private boolean checkTimeoutSet;
        private Duration minBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private boolean backoffSet;

        private Builder(DataSource dataSource, Runnable onChange) {
            this.dataSource = dataSource;
            this.onChange = onChange;
        }

        /**
         * The table prefix of the store whose changes to hear (default {@code latchkey_}).
         *
         * @param tablePrefix the store's table prefix
         * @return this builder
         * @throws IllegalArgumentException if not a valid prefix
         * @throws IllegalStateException    if already set
         */
        public Builder tablePrefix(String tablePrefix) {
            String checked = TablePrefix.check(tablePrefix);
            SetOnce.check(prefixSet, this.tablePrefix, "tablePrefix");
            this.tablePrefix = checked;
            prefixSet = true;
            return this;
        }

        /**
         * How long to wait for a notification before checking that the connection still answers (default 1 s,
         * 10 ms to 1 min). A frozen connection is noticed after at most this plus the check time-out.
         *
         * @param heartbeat the longest wait for a notification before the connection is checked
         * @return this builder
         * @throws IllegalArgumentException if out of range
         * @throws IllegalStateException    if already set
         */
        public Builder heartbeat(Duration heartbeat) {
            requireRange("heartbeat", heartbeat, Duration.ofMillis(10), Duration.ofMinutes(1));
            SetOnce.check(heartbeatSet, this.heartbeat, "heartbeat");
            this.heartbeat = heartbeat;
            heartbeatSet = true;
            return this;
        }

        /**
         * The most the connection check may take (default 2 s, 100 ms to 1 min).
         *
         * @param checkTimeout the longest a connection check may take
         * @return this builder
         * @throws IllegalArgumentException if out of range
         * @throws IllegalStateException    if already set
         */
        public Builder checkTimeout(Duration checkTimeout) {
            requireRange("checkTimeout", checkTimeout, Duration.ofMillis(100), Duration.ofMinutes(1));
            SetOnce.check(checkTimeoutSet, this.checkTimeout, "checkTimeout");
            this.checkTimeout = checkTimeout;
            checkTimeoutSet = true;
            return this;
        }

        /**
         * The pause before reconnecting: {@code min} after the first failure, doubling to {@code max} (defaults
         * 100 ms and 5 s).
         *
         * @param min the first pause
         * @param max the longest pause
         * @return this builder
         * @throws IllegalArgumentException if {@code min} is under 10 ms, {@code max} over 10 min, or min > max
         * @throws IllegalStateException    if already set
         */
        public Builder reconnectBackoff(Duration min, Duration max) {
            requireRange("reconnectBackoff min", min, Duration.ofMillis(10), Duration.ofMinutes(10));
            requireRange("reconnectBackoff max", max, Duration.ofMillis(10), Duration.ofMinutes(10));
            if (min.compareTo(max) > 0) {
                throw new IllegalArgumentException("reconnectBackoff min " + min + " is above max " + max);
            }
            SetOnce.check(backoffSet, this.minBackoff + ".." + this.maxBackoff, "reconnectBackoff");
            this.minBackoff = min;
            this.maxBackoff = max;
            backoffSet = true;
            return this;
        }

        /**
         * Builds the listener and starts its thread (it connects in the background).
         *
         * @return the started listener; close it to stop
         */
        public PgChangeListener start() {
            PgChangeListener listener = new PgChangeListener(this);
            listener.thread.start();
            return listener;
        }

        private static void requireRange(String name, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + d);
            }
        }
    }

    /** For tests: waits until listening, or the timeout passes. */
    boolean awaitListening(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!listening && System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return listening;
    }
}
