package dev.latchkey.jdbc;

import dev.latchkey.jdbc.internal.BoundSql;
import dev.latchkey.jdbc.internal.Jdbc;
import dev.latchkey.jdbc.internal.JdbcOptions;
import dev.latchkey.jdbc.internal.Text;
import dev.latchkey.jdbc.internal.TextCodec;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditLog;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.AuditQuery;
import dev.latchkey.spi.Page;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * An {@link AuditLog} in the {@code <prefix>audit} table. Queries are filtered, ordered (newest first, ties by
 * insertion order) and paged in the database.
 *
 * <p>Immutable and thread-safe; one connection per call from the host's {@code DataSource}. Audit values may
 * come from hostile requests (a refused Basic-auth user name), so {@link #record} never rejects text: NULs and
 * unpaired surrogates become U+FFFD and over-long values are cut (actor, owner 255; token id 128; client IP 100;
 * reason 1000 characters) with an ellipsis. Instants are stored as epoch milliseconds.
 */
public final class JdbcAuditLog implements AuditLog {
    private static final String COLUMNS = "event_type, occurred_at, actor, token_id, token_owner, client_ip, outcome, reason, details";

    private final SqlDialect dialect;
    private final String tablePrefix;
    private final Duration queryTimeout;
    private final Duration hotPathTimeout;
    private final String table;
    private final String insert;
    /** Queries, with {@code queryTimeout}. */
    private final Jdbc jdbc;
    /** {@link #record}, which refused requests wait for, with {@code hotPathTimeout}. */
    private final Jdbc hot;

    private JdbcAuditLog(Builder b, SqlDialect dialect) {
        this.dialect = dialect;
        this.tablePrefix = b.options.tablePrefix();
        this.queryTimeout = b.options.queryTimeout();
        this.hotPathTimeout = b.options.hotPathTimeout();
        this.table = tablePrefix + "audit";
        this.insert = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        this.jdbc = new Jdbc(b.options.dataSource(), queryTimeout, "JdbcAuditLog");
        this.hot = new Jdbc(b.options.dataSource(), hotPathTimeout, "JdbcAuditLog");
    }

    /**
     * A builder for an audit log over {@code dataSource}.
     *
     * @param dataSource the host's data source (its pool and driver); the tables must exist (see {@link SchemaInstaller})
     * @return a new builder
     * @throws NullPointerException if {@code dataSource} is null
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * The dialect in use.
     *
     * @return the dialect set on the builder, or the one detected when the log was built
     */
    public SqlDialect dialect() {
        return dialect;
    }

    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        hot.autoCommit("record", c -> {
            try (PreparedStatement ps = hot.prepare(c, insert)) {
                bind(ps, event);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Writes the events as one JDBC batch in one transaction: all of them or none (the engine drains its
     * refusal queue through this, so a flood costs one round trip per batch, not one per event).
     */
    @Override
    public void recordAll(List<AuditEvent> events) {
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            return;
        }
        for (AuditEvent e : events) {
            Objects.requireNonNull(e, "events contains null");
        }
        jdbc.transaction("recordAll", c -> {
            try (PreparedStatement ps = jdbc.prepare(c, insert)) {
                for (AuditEvent e : events) {
                    bind(ps, e);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private static void bind(PreparedStatement ps, AuditEvent event) throws java.sql.SQLException {
        Map<String, String> details = new TreeMap<>();
        event.details().forEach((k, v) -> details.put(Text.sanitize(k, Integer.MAX_VALUE), Text.sanitize(v, Integer.MAX_VALUE)));
        ps.setString(1, event.type().name());
        ps.setLong(2, Jdbc.millis(event.at()));
        ps.setString(3, Text.sanitize(event.actor(), 255));
        Jdbc.setString(ps, 4, event.tokenId().map(v -> Text.sanitize(v, 128)).orElse(null));
        Jdbc.setString(ps, 5, event.tokenOwner().map(v -> Text.sanitize(v, 255)).orElse(null));
        Jdbc.setString(ps, 6, event.clientIp().map(v -> Text.sanitize(v, 100)).orElse(null));
        ps.setString(7, event.outcome().name());
        Jdbc.setString(ps, 8, event.reason().map(v -> Text.sanitize(v, 1000)).orElse(null));
        ps.setString(9, TextCodec.encodeMap(details));
    }

    @Override
    public Page<AuditEvent> query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        BoundSql[] statements = statements(query);
        return jdbc.autoCommit("query", c -> {
            long total;
            try (PreparedStatement ps = jdbc.prepare(c, statements[1].sql())) {
                Jdbc.bind(ps, statements[1].params());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<AuditEvent> items = new ArrayList<>();
            if ((long) query.page() * query.size() < total) {
                try (PreparedStatement ps = jdbc.prepare(c, statements[0].sql())) {
                    Jdbc.bind(ps, statements[0].params());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            items.add(new AuditEvent(AuditEventType.valueOf(rs.getString(1)), Jdbc.instant(rs.getLong(2)),
                                    rs.getString(3), Optional.ofNullable(rs.getString(4)),
                                    Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6)),
                                    AuditOutcome.valueOf(rs.getString(7)), Optional.ofNullable(rs.getString(8)),
                                    TextCodec.decodeMap(rs.getString(9))));
                        }
                    }
                }
            }
            return new Page<>(items, query.page(), query.size(), total);
        });
    }

    /** [page, count] statements for {@code q}; package-private for query-plan tests. */
    BoundSql[] statements(AuditQuery q) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        q.from().ifPresent(v -> { where.add("occurred_at >= ?"); params.add(Jdbc.millis(v)); });
        q.to().ifPresent(v -> { where.add("occurred_at < ?"); params.add(Jdbc.millis(v)); });
        q.actor().ifPresent(v -> { where.add("actor = ?"); params.add(v); });
        q.tokenId().ifPresent(v -> { where.add("token_id = ?"); params.add(v); });
        q.owner().ifPresent(v -> { where.add("token_owner = ?"); params.add(v); });
        q.type().ifPresent(v -> { where.add("event_type = ?"); params.add(v.name()); });
        q.outcome().ifPresent(v -> { where.add("outcome = ?"); params.add(v.name()); });
        String whereClause = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(q.size());
        pageParams.add((long) q.page() * q.size());
        return new BoundSql[] {
                new BoundSql("SELECT " + COLUMNS + " FROM " + table + whereClause
                        + " ORDER BY occurred_at DESC, id DESC LIMIT ? OFFSET ?", pageParams),
                new BoundSql("SELECT COUNT(*) FROM " + table + whereClause, params)};
    }

    /** Shows the dialect, prefix and time-out; never the data source. */
    @Override
    public String toString() {
        return "JdbcAuditLog[dialect=" + dialect + ", tablePrefix=" + tablePrefix + ", hotPathTimeout=" + hotPathTimeout
                + ", queryTimeout=" + queryTimeout + "]";
    }

    /** Configures a {@link JdbcAuditLog}. Each option may be set once; not thread-safe. */
    public static final class Builder {
        private final JdbcOptions options;

        private Builder(DataSource dataSource) {
            this.options = new JdbcOptions(dataSource);
        }

        /**
         * The database dialect; detected from the database's metadata by {@link #build()} when not set.
         *
         * @param dialect the database dialect
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder dialect(SqlDialect dialect) {
            options.dialect(dialect);
            return this;
        }

        /**
         * The table name prefix (default {@code latchkey_}).
         *
         * @param tablePrefix the table name prefix
         * @return this builder
         * @throws IllegalArgumentException if it does not match {@code [A-Za-z][A-Za-z0-9_]{0,30}}
         * @throws IllegalStateException    if already set
         */
        public Builder tablePrefix(String tablePrefix) {
            options.tablePrefix(tablePrefix);
            return this;
        }

        /**
         * The time-out of {@link #query} (default 30 s: it may scan; zero for none; fractions round up to whole
         * seconds).
         *
         * @param queryTimeout the statement time-out
         * @return this builder
         * @throws IllegalArgumentException if negative or too long
         * @throws IllegalStateException    if already set
         */
        public Builder queryTimeout(Duration queryTimeout) {
            options.queryTimeout(queryTimeout);
            return this;
        }

        /**
         * The time-out of {@link #record} (default 2 s), which the engine may call while a refused request waits.
         * A hung or frozen connection fails the call with {@link dev.latchkey.spi.StoreUnavailableException} after
         * at most this time plus half a second, as in {@link JdbcTokenStore.Builder#hotPathTimeout}.
         *
         * @param hotPathTimeout the longest a {@code record} call may wait for the database
         * @return this builder
         * @throws IllegalArgumentException if not positive or too long
         * @throws IllegalStateException    if already set
         */
        public Builder hotPathTimeout(Duration hotPathTimeout) {
            options.hotPathTimeout(hotPathTimeout);
            return this;
        }

        /**
         * An immutable, thread-safe audit log.
         *
         * @return the built instance, ready to use
         * @throws dev.latchkey.spi.StoreUnavailableException if no dialect was set and the database is unreachable
         */
        public JdbcAuditLog build() {
            return new JdbcAuditLog(this, options.dialectOrDetect("JdbcAuditLog"));
        }
    }
}
