package dev.latchkey.jdbc;

import dev.latchkey.jdbc.internal.ChangeChannel;
import dev.latchkey.jdbc.internal.Jdbc;
import dev.latchkey.jdbc.internal.JdbcOptions;
import dev.latchkey.jdbc.internal.Text;
import dev.latchkey.jdbc.internal.TextCodec;
import dev.latchkey.jdbc.internal.TokenSql;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.DuplicateTokenException;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.LimitExceededException;
import dev.latchkey.spi.NodeRegistry;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.Revocation;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.StoredPolicy;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import dev.latchkey.spi.internal.SetOnce;

/**
 * A {@link TokenStore} over a {@link DataSource} (H2, PostgreSQL or MariaDB). Queries, paging, sorting and state
 * filters run in the database; lookups by digest and id are single indexed reads.
 *
 * <pre>{@code
 * SchemaInstaller.install(dataSource, SqlDialect.POSTGRESQL, "latchkey_");   // or run the Flyway scripts
 * TokenStore store = JdbcTokenStore.builder(dataSource)
 *         .dialect(SqlDialect.POSTGRESQL)
 *         .hotPathTimeout(Duration.ofSeconds(2))   // reads a request waits for (the default)
 *         .queryTimeout(Duration.ofSeconds(30))    // management, writes, clean-ups (the default)
 *         .build();
 * }</pre>
 *
 * <p>What {@link Builder#build()} returns is immutable and thread-safe. It has no pool of its own: each call
 * borrows one connection from the host's {@code DataSource} and closes it, so a database that was down is used
 * again as soon as it is back. Every driver failure or time-out becomes a
 * {@link dev.latchkey.spi.StoreUnavailableException} naming the operation; unique violations on insert become
 * {@link DuplicateTokenException}.
 *
 * <p>A store for several nodes, so it offers every optional capability of the contract: the {@link PolicyStore}
 * (table {@code <prefix>policy}), the {@link ChangeFeed} every node follows (table {@code <prefix>changes}), and
 * the {@link NodeRegistry} of the nodes sharing the database (table {@code <prefix>nodes}, schema V2): engines write
 * their heartbeats there and learn whether they are alone.
 *
 * <p>Instants are stored as epoch milliseconds: sub-millisecond parts are truncated (the engine uses
 * millisecond instants, so its records round-trip exactly). Text limits (UTF-16 units): id 128, digest 255,
 * digest algorithm 128, name 1000, owner / createdBy / hint / revokedBy 255, revocation reason 1000; longer
 * values, NUL characters and unpaired surrogates are rejected with {@link IllegalArgumentException}.
 *
 * <p>On PostgreSQL each change-feed event is also announced, in the same transaction, with
 * {@code NOTIFY <prefix>changes} (payload: the event's sequence number), which PostgreSQL delivers only after the
 * commit; {@link PgChangeListener} turns it into a wake-up for a node's change-feed follower. The feed itself
 * stays the source of truth (a lost notification costs time, never a change).
 *
 * <p>Every change-writing transaction (insert, update, rotate, savePolicy) first locks one sequence row, so change-feed
 * sequences are assigned in commit order and a polling node never skips an event that committed late. The same lock
 * makes the {@link InsertConditions} atomic: the limit checks run after it is taken, so they see every earlier token
 * write and no other writer can commit between the check and the insert (on H2, PostgreSQL and MariaDB alike, at
 * their default isolation levels). Token writes are rare, so serialising them is cheap; reads and
 * {@link #recordLastUse} never take that lock.
 */
public final class JdbcTokenStore implements TokenStore, PolicyStore, ChangeFeed, NodeRegistry {

    private static final int MAX_ID = 128;
    private static final int MAX_DIGEST = 255;
    private static final int MAX_ALGORITHM = 128;
    private static final int MAX_NAME = 1000;
    private static final int MAX_PRINCIPAL = 255;
    private static final int MAX_REASON = 1000;
    private static final int MAX_IP = 100;

    private final SqlDialect dialect;
    private final String tablePrefix;
    private final Duration queryTimeout;
    private final Duration hotPathTimeout;
    private final Clock clock;
    private final TokenSql sql;
    /** Management, writes and clean-ups, with {@code queryTimeout}. */
    private final Jdbc jdbc;
    /** The reads a request or the change-feed poll waits for, with {@code hotPathTimeout}. */
    private final Jdbc hot;
    /** The PostgreSQL {@code NOTIFY} channel of this prefix; null on the other databases. */
    private final String notifyChannel;

    private JdbcTokenStore(Builder b, SqlDialect dialect) {
        this.dialect = dialect;
        this.tablePrefix = b.options.tablePrefix();
        this.queryTimeout = b.options.queryTimeout();
        this.hotPathTimeout = b.options.hotPathTimeout();
        this.clock = b.clock;
        this.sql = new TokenSql(tablePrefix);
        this.jdbc = new Jdbc(b.options.dataSource(), queryTimeout, "JdbcTokenStore");
        this.hot = new Jdbc(b.options.dataSource(), hotPathTimeout, "JdbcTokenStore");
        this.notifyChannel = dialect == SqlDialect.POSTGRESQL ? ChangeChannel.name(tablePrefix) : null;
    }

    /**
     * A builder for a store over {@code dataSource}.
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
     * @return the dialect set on the builder, or the one detected when the store was built
     */
    public SqlDialect dialect() {
        return dialect;
    }

    /**
     * The table prefix in use.
     *
     * @return the prefix, e.g. {@code latchkey_}
     */
    public String tablePrefix() {
        return tablePrefix;
    }

    /** The statements this store runs; for tests that check query plans. */
    TokenSql sql() {
        return sql;
    }

    // -------------------------------------------------------------------------------------------------------
    // NodeRegistry
    // -------------------------------------------------------------------------------------------------------

    @Override
    public void heartbeat(String nodeId, Instant at) {
        NodeRegistry.checkNodeId(nodeId);
        long ms = Jdbc.millis(Objects.requireNonNull(at, "at"));
        String nodes = tablePrefix + "nodes";
        hot.autoCommit("heartbeat", c -> {
            // update first (the common case); a first beat inserts, and an insert that loses a race to the same
            // node's other beat leaves the later one in place: a heartbeat never moves backwards
            try (PreparedStatement ps = hot.prepare(c, "UPDATE " + nodes + " SET beat_at = ? WHERE node_id = ? AND beat_at < ?")) {
                ps.setLong(1, ms);
                ps.setString(2, nodeId);
                ps.setLong(3, ms);
                if (ps.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement ps = hot.prepare(c, "SELECT 1 FROM " + nodes + " WHERE node_id = ?")) {
                ps.setString(1, nodeId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return null; // stored beat is as late or later
                    }
                }
            }
            try (PreparedStatement ps = hot.prepare(c, "INSERT INTO " + nodes + " (node_id, beat_at) VALUES (?, ?)")) {
                ps.setString(1, nodeId);
                ps.setLong(2, ms);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!Jdbc.isUniqueViolation(e)) {
                    throw e;
                }
                try (PreparedStatement ps = hot.prepare(c, "UPDATE " + nodes + " SET beat_at = ? WHERE node_id = ? AND beat_at < ?")) {
                    ps.setLong(1, ms);
                    ps.setString(2, nodeId);
                    ps.setLong(3, ms);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public Map<String, Instant> liveNodes(Instant since) {
        long ms = Jdbc.millis(Objects.requireNonNull(since, "since"));
        return hot.autoCommit("liveNodes", c -> {
            try (PreparedStatement ps = hot.prepare(c, "SELECT node_id, beat_at FROM " + tablePrefix + "nodes WHERE beat_at >= ?")) {
                ps.setLong(1, ms);
                Map<String, Instant> live = new TreeMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        live.put(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)));
                    }
                }
                return Map.copyOf(live);
            }
        });
    }

    @Override
    public void leave(String nodeId) {
        NodeRegistry.checkNodeId(nodeId);
        hot.autoCommit("leave", c -> {
            try (PreparedStatement ps = hot.prepare(c, "DELETE FROM " + tablePrefix + "nodes WHERE node_id = ?")) {
                ps.setString(1, nodeId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    // -------------------------------------------------------------------------------------------------------
    // TokenStore
    // -------------------------------------------------------------------------------------------------------

    @Override
    public void insert(TokenRecord record, InsertConditions conditions) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(conditions, "conditions");
        requireNew(record, conditions);
        jdbc.transaction("insert", c -> {
            // the sequence row lock is taken first: it serialises every token write, so the limit checks below see
            // every earlier write and no later one can slip in before this transaction commits
            long seq = nextSequence(c);
            checkConditions(c, record, conditions);
            insertRow(c, record);
            appendChange(c, seq, ChangeEvent.Type.TOKEN, record.id(), record.digest());
            return null;
        });
    }

    @Override
    public TokenRecord rotate(TokenRecord revokedPredecessor, long expectedVersion, TokenRecord successor,
                              InsertConditions conditions) {
        Objects.requireNonNull(revokedPredecessor, "revokedPredecessor");
        Objects.requireNonNull(successor, "successor");
        Objects.requireNonNull(conditions, "conditions");
        if (revokedPredecessor.revocation().isEmpty()) {
            throw new IllegalArgumentException("the predecessor of a rotation must carry its revocation");
        }
        check(revokedPredecessor);
        requireNew(successor, conditions);
        return jdbc.transaction("rotate", c -> {
            long seq = nextSequence(c);
            TokenRecord stored = updateRow(c, revokedPredecessor, expectedVersion, sql.updateIfActive);
            appendChange(c, seq, ChangeEvent.Type.TOKEN, stored.id(), stored.digest());
            checkConditions(c, successor, conditions);
            insertRow(c, successor);
            long next = nextSequence(c);
            appendChange(c, next, ChangeEvent.Type.TOKEN, successor.id(), successor.digest());
            return stored;
        });
    }

    private void requireNew(TokenRecord record, InsertConditions conditions) {
        if (record.version() != 0) {
            throw new IllegalArgumentException("a new record must have version 0, was " + record.version());
        }
        if (conditions.uniqueActiveServiceName() && record.kind() != TokenKind.SERVICE) {
            throw new IllegalArgumentException("uniqueActiveServiceName applies to service records only, "
                    + record.id() + " is " + record.kind());
        }
        check(record);
    }

    private void insertRow(Connection c, TokenRecord record) throws SQLException {
        try (PreparedStatement ps = jdbc.prepare(c, sql.insert)) {
            bindInsert(ps, record);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (Jdbc.isUniqueViolation(e)) {
                throw new DuplicateTokenException("a token with id " + record.id() + " or with the same digest already exists");
            }
            throw e;
        }
    }

    /** Runs inside a transaction that holds the sequence row lock. */
    private void checkConditions(Connection c, TokenRecord record, InsertConditions conditions) throws SQLException {
        if (conditions.uniqueActiveServiceName()
                && count(c, sql.countActiveService, record.owner(), conditions.asOf()) > 0) {
            throw new LimitExceededException(LimitExceededException.Limit.ACTIVE_SERVICE_NAME,
                    "an active service token named " + record.owner() + " exists");
        }
        if (conditions.maxActivePerOwner().isPresent()) {
            long active = count(c, sql.countActive, record.owner(), conditions.asOf());
            if (active >= conditions.maxActivePerOwner().getAsInt()) {
                throw new LimitExceededException(LimitExceededException.Limit.ACTIVE_TOKENS_PER_OWNER,
                        record.owner() + " already has " + active + " active tokens; the limit is "
                                + conditions.maxActivePerOwner().getAsInt());
            }
        }
    }

    private long count(Connection c, String statement, String owner, Instant asOf) throws SQLException {
        try (PreparedStatement ps = jdbc.prepare(c, statement)) {
            ps.setString(1, owner);
            ps.setLong(2, Jdbc.millis(asOf));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Binds every column of {@link TokenSql#insert} for {@code record}; exposed to tests that bulk-load rows
     * through the store's own statement.
     */
    static void bindInsert(PreparedStatement ps, TokenRecord r) throws SQLException {
        int i = bindCommon(ps, r);
        ps.setString(i++, r.digest());
        ps.setString(i++, r.digestAlgorithm());
        ps.setString(i++, r.hint());
        ps.setLong(i++, Jdbc.millis(r.createdAt()));
        Jdbc.setLong(ps, i++, r.expiresAt().map(Jdbc::millis).orElse(null));
        Jdbc.setLong(ps, i++, r.revocation().map(v -> Jdbc.millis(v.at())).orElse(null));
        Jdbc.setString(ps, i++, r.revocation().map(Revocation::by).orElse(null));
        Jdbc.setString(ps, i++, r.revocation().map(Revocation::reason).orElse(null));
        Jdbc.setLong(ps, i++, r.lastUse().map(u -> Jdbc.millis(u.at())).orElse(null));
        Jdbc.setString(ps, i++, r.lastUse().map(u -> Text.sanitize(u.clientIp(), MAX_IP)).orElse(null));
        ps.setLong(i++, r.version());
        ps.setString(i, r.name().toLowerCase(Locale.ROOT));
    }

    /** id, kind, name, owner, created_by, level, domain_levels, resources, allowed_cidrs; returns the next index. */
    private static int bindCommon(PreparedStatement ps, TokenRecord r) throws SQLException {
        int i = 1;
        ps.setString(i++, r.id());
        ps.setString(i++, r.kind().name());
        ps.setString(i++, r.name());
        ps.setString(i++, r.owner());
        ps.setString(i++, r.createdBy());
        ps.setString(i++, r.scope().level().name());
        ps.setString(i++, encodeDomainLevels(r.scope().domainLevels()));
        ps.setString(i++, TextCodec.encodeList(List.copyOf(r.scope().resources())));
        ps.setString(i++, TextCodec.encodeList(r.allowedCidrs()));
        return i;
    }

    @Override
    public Optional<TokenRecord> findByDigest(String digest) {
        Objects.requireNonNull(digest, "digest");
        return hot.autoCommit("findByDigest", c -> findOne(hot, c, sql.findByDigest, digest));
    }

    @Override
    public Optional<TokenRecord> findById(String id) {
        Objects.requireNonNull(id, "id");
        return hot.autoCommit("findById", c -> findOne(hot, c, sql.findById, id));
    }

    private Optional<TokenRecord> findOne(Jdbc with, Connection c, String statement, String key) throws SQLException {
        try (PreparedStatement ps = with.prepare(c, statement)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readRecord(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public TokenRecord update(TokenRecord updated, long expectedVersion) {
        Objects.requireNonNull(updated, "updated");
        check(updated);
        return jdbc.transaction("update", c -> {
            long seq = nextSequence(c);
            TokenRecord stored = updateRow(c, updated, expectedVersion, sql.update);
            appendChange(c, seq, ChangeEvent.Type.TOKEN, stored.id(), stored.digest());
            return stored;
        });
    }

    private TokenRecord updateRow(Connection c, TokenRecord updated, long expectedVersion, String statement)
            throws SQLException {
        int rows;
        try (PreparedStatement ps = jdbc.prepare(c, statement)) {
            int i = 1;
            ps.setString(i++, updated.kind().name());
            ps.setString(i++, updated.name());
            ps.setString(i++, updated.name().toLowerCase(Locale.ROOT));
            ps.setString(i++, updated.owner());
            ps.setString(i++, updated.createdBy());
            ps.setString(i++, updated.scope().level().name());
            ps.setString(i++, encodeDomainLevels(updated.scope().domainLevels()));
            ps.setString(i++, TextCodec.encodeList(List.copyOf(updated.scope().resources())));
            ps.setString(i++, TextCodec.encodeList(updated.allowedCidrs()));
            ps.setString(i++, updated.digestAlgorithm());
            ps.setString(i++, updated.hint());
            ps.setLong(i++, Jdbc.millis(updated.createdAt()));
            Jdbc.setLong(ps, i++, updated.expiresAt().map(Jdbc::millis).orElse(null));
            Jdbc.setLong(ps, i++, updated.revocation().map(v -> Jdbc.millis(v.at())).orElse(null));
            Jdbc.setString(ps, i++, updated.revocation().map(Revocation::by).orElse(null));
            Jdbc.setString(ps, i++, updated.revocation().map(Revocation::reason).orElse(null));
            ps.setString(i++, updated.id());
            ps.setLong(i, expectedVersion);
            rows = ps.executeUpdate();
        }
        if (rows == 0) {
            throw new ConcurrentUpdateException("token " + updated.id() + " was not updated: it does not exist, its"
                    + " stored version is not " + expectedVersion + (statement.equals(sql.updateIfActive)
                    ? " or it is already revoked (rotated or revoked by somebody else first)" : "")
                    + "; re-read it and retry");
        }
        TokenRecord stored = findOne(jdbc, c, sql.findById, updated.id()).orElseThrow(
                () -> new ConcurrentUpdateException("token " + updated.id() + " disappeared during the update"));
        if (!stored.digest().equals(updated.digest())) {
            throw new IllegalArgumentException("the digest of token " + updated.id() + " cannot change through an"
                    + " update; a rotation inserts a new record");
        }
        return stored;
    }

    @Override
    public Page<TokenRecord> query(TokenQuery query) {
        Objects.requireNonNull(query, "query");
        TokenSql.QueryStatements statements = sql.query(query);
        return jdbc.autoCommit("query", c -> {
            long total;
            try (PreparedStatement ps = jdbc.prepare(c, statements.count().sql())) {
                Jdbc.bind(ps, statements.count().params());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<TokenRecord> items = new ArrayList<>();
            if (query.offset() < total) {
                try (PreparedStatement ps = jdbc.prepare(c, statements.page().sql())) {
                    Jdbc.bind(ps, statements.page().params());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            items.add(readRecord(rs));
                        }
                    }
                }
            }
            return new Page<>(items, query.page(), query.size(), total);
        });
    }

    @Override
    public long countActive(String owner, Instant asOf) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(asOf, "asOf");
        return jdbc.autoCommit("countActive", c -> {
            try (PreparedStatement ps = jdbc.prepare(c, sql.countActive)) {
                ps.setString(1, owner);
                ps.setLong(2, Jdbc.millis(asOf));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * One JDBC batch per call, in one transaction. Several uses of one token collapse to the latest first; rows are
     * updated in id order so concurrent batches cannot deadlock each other; the statement's
     * {@code last_used_at < ?} condition keeps the stored use from moving backwards whatever commits first.
     */
    @Override
    public void recordLastUse(Collection<LastUse> uses) {
        Objects.requireNonNull(uses, "uses");
        Map<String, LastUse> latest = new TreeMap<>();
        for (LastUse use : uses) {
            latest.merge(use.tokenId(), use, (a, b) -> b.at().isAfter(a.at()) ? b : a);
        }
        if (latest.isEmpty()) {
            return;
        }
        jdbc.transaction("recordLastUse", c -> {
            try (PreparedStatement ps = jdbc.prepare(c, sql.recordLastUse)) {
                for (LastUse use : latest.values()) {
                    long at = Jdbc.millis(use.at());
                    ps.setLong(1, at);
                    ps.setString(2, Text.sanitize(use.clientIp(), MAX_IP));
                    ps.setString(3, use.tokenId());
                    ps.setLong(4, at);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public int purge(Instant before) {
        Objects.requireNonNull(before, "before");
        return jdbc.autoCommit("purge", c -> {
            try (PreparedStatement ps = jdbc.prepare(c, sql.purge)) {
                long b = Jdbc.millis(before);
                ps.setLong(1, b);
                ps.setLong(2, b);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<StoredPolicy> loadPolicy() {
        return hot.autoCommit("loadPolicy", c -> {
            try (PreparedStatement ps = hot.prepare(c, sql.loadPolicy); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredPolicy(TextCodec.decodeMap(rs.getString(1)), rs.getLong(2)));
            }
        });
    }

    @Override
    public StoredPolicy savePolicy(Map<String, String> settings, long expectedVersion) {
        Objects.requireNonNull(settings, "settings");
        StoredPolicy next = new StoredPolicy(settings, expectedVersion + 1);
        String encoded = TextCodec.encodeMap(next.settings());
        Text.checkCharacters("policy settings", encoded);
        return jdbc.transaction("savePolicy", c -> {
            long seq = nextSequence(c);
            if (expectedVersion == 0) {
                try (PreparedStatement ps = jdbc.prepare(c, sql.insertPolicy)) {
                    ps.setString(1, encoded);
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (Jdbc.isUniqueViolation(e)) {
                        throw policyConflict(expectedVersion);
                    }
                    throw e;
                }
            } else {
                try (PreparedStatement ps = jdbc.prepare(c, sql.updatePolicy)) {
                    ps.setString(1, encoded);
                    ps.setLong(2, expectedVersion);
                    if (ps.executeUpdate() == 0) {
                        throw policyConflict(expectedVersion);
                    }
                }
            }
            appendChange(c, seq, ChangeEvent.Type.POLICY, null, null);
            return next;
        });
    }

    private static ConcurrentUpdateException policyConflict(long expectedVersion) {
        return new ConcurrentUpdateException("the policy was not saved: its stored version is not " + expectedVersion
                + " (somebody saved in between); reload it and retry");
    }

    @Override
    public List<ChangeEvent> changesSince(long afterSequence, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return hot.autoCommit("changesSince", c -> {
            try (PreparedStatement ps = hot.prepare(c, sql.changesSince)) {
                ps.setLong(1, afterSequence);
                ps.setInt(2, limit);
                List<ChangeEvent> events = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(new ChangeEvent(rs.getLong(1), ChangeEvent.Type.valueOf(rs.getString(2)),
                                Optional.ofNullable(rs.getString(3)), Optional.ofNullable(rs.getString(4)),
                                Jdbc.instant(rs.getLong(5))));
                    }
                }
                return List.copyOf(events);
            }
        });
    }

    @Override
    public long latestChangeSequence() {
        return hot.autoCommit("latestChangeSequence", c -> latestSequence(hot, c));
    }

    private long latestSequence(Jdbc with, Connection c) throws SQLException {
        try (PreparedStatement ps = with.prepare(c, sql.latestSequence); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1); // MAX over no rows is NULL, which getLong reads as 0
        }
    }

    @Override
    public int pruneChanges(Instant before) {
        Objects.requireNonNull(before, "before");
        return jdbc.transaction("pruneChanges", c -> {
            // MariaDB cannot use the target table in a sub-select of DELETE, so the latest is read first; events
            // appended meanwhile have higher sequences and are kept as well.
            long latest = latestSequence(jdbc, c);
            try (PreparedStatement ps = jdbc.prepare(c, sql.pruneChanges)) {
                ps.setLong(1, Jdbc.millis(before));
                ps.setLong(2, latest);
                return ps.executeUpdate();
            }
        });
    }

    // -------------------------------------------------------------------------------------------------------
    // helpers
    // -------------------------------------------------------------------------------------------------------

    private long nextSequence(Connection c) throws SQLException {
        long current;
        try (PreparedStatement ps = jdbc.prepare(c, sql.lockSequence); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the change sequence row is missing from " + sql.changeSeq
                        + "; install the schema with SchemaInstaller or the V1 script", "42000");
            }
            current = rs.getLong(1);
        }
        try (PreparedStatement ps = jdbc.prepare(c, sql.setSequence)) {
            ps.setLong(1, current + 1);
            ps.executeUpdate();
        }
        return current + 1;
    }

    private void appendChange(Connection c, long seq, ChangeEvent.Type type, String tokenId, String digest)
            throws SQLException {
        try (PreparedStatement ps = jdbc.prepare(c, sql.insertChange)) {
            ps.setLong(1, seq);
            ps.setString(2, type.name());
            Jdbc.setString(ps, 3, tokenId);
            Jdbc.setString(ps, 4, digest);
            ps.setLong(5, Jdbc.millis(clock.instant()));
            ps.executeUpdate();
        }
        if (notifyChannel != null) {
            // delivered by PostgreSQL only when (and if) this transaction commits, so a woken node reads the change
            try (PreparedStatement ps = jdbc.prepare(c, "SELECT pg_notify(?, ?)")) {
                ps.setString(1, notifyChannel);
                ps.setString(2, Long.toString(seq));
                ps.execute();
            }
        }
    }

    private static void check(TokenRecord r) {
        Text.check("id", r.id(), MAX_ID);
        Text.check("digest", r.digest(), MAX_DIGEST);
        Text.check("digestAlgorithm", r.digestAlgorithm(), MAX_ALGORITHM);
        Text.check("name", r.name(), MAX_NAME);
        Text.check("owner", r.owner(), MAX_PRINCIPAL);
        Text.check("createdBy", r.createdBy(), MAX_PRINCIPAL);
        Text.check("hint", r.hint(), MAX_PRINCIPAL);
        for (String resource : r.scope().resources()) {
            Text.checkCharacters("scope resource", resource);
        }
        for (String domain : r.scope().domainLevels().keySet()) {
            Text.checkCharacters("scope domain", domain);
        }
        for (String cidr : r.allowedCidrs()) {
            Text.checkCharacters("allowed CIDR", cidr);
        }
        if (r.revocation().isPresent()) {
            Text.check("revocation.by", r.revocation().get().by(), MAX_PRINCIPAL);
            Text.check("revocation.reason", r.revocation().get().reason(), MAX_REASON);
        }
        Jdbc.millis(r.createdAt());
        r.expiresAt().ifPresent(Jdbc::millis);
    }

    private static String encodeDomainLevels(Map<String, AccessLevel> levels) {
        Map<String, String> text = new TreeMap<>();
        levels.forEach((k, v) -> text.put(k, v.name()));
        return TextCodec.encodeMap(text);
    }

    private static TokenRecord readRecord(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        TokenKind kind = TokenKind.valueOf(rs.getString(2));
        String name = rs.getString(3);
        String owner = rs.getString(4);
        String createdBy = rs.getString(5);
        AccessLevel level = AccessLevel.valueOf(rs.getString(6));
        Map<String, AccessLevel> domainLevels = new TreeMap<>();
        TextCodec.decodeMap(rs.getString(7)).forEach((k, v) -> domainLevels.put(k, AccessLevel.valueOf(v)));
        List<String> resources = TextCodec.decodeList(rs.getString(8));
        List<String> cidrs = TextCodec.decodeList(rs.getString(9));
        String digest = rs.getString(10);
        String algorithm = rs.getString(11);
        String hint = rs.getString(12);
        Instant createdAt = Jdbc.instant(rs.getLong(13));
        Optional<Instant> expiresAt = optionalInstant(rs, 14);
        Optional<Instant> revokedAt = optionalInstant(rs, 15);
        String revokedBy = rs.getString(16);
        String revokeReason = rs.getString(17);
        Optional<Instant> lastUsedAt = optionalInstant(rs, 18);
        String lastUsedIp = rs.getString(19);
        long version = rs.getLong(20);
        Optional<Revocation> revocation = revokedAt.map(at -> new Revocation(at,
                revokedBy == null ? "" : revokedBy, revokeReason == null ? "" : revokeReason));
        Optional<LastUse> lastUse = lastUsedAt.map(at -> new LastUse(id, at, lastUsedIp == null ? "" : lastUsedIp));
        return new TokenRecord(id, kind, name, owner, createdBy,
                new Scope(level, domainLevels, new java.util.TreeSet<>(resources)), cidrs, digest, algorithm, hint,
                createdAt, expiresAt, revocation, lastUse, version);
    }

    private static Optional<Instant> optionalInstant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Jdbc.instant(v));
    }

    /** Shows the dialect, prefix and time-outs; never the data source (its URL may carry credentials). */
    @Override
    public String toString() {
        return "JdbcTokenStore[dialect=" + dialect + ", tablePrefix=" + tablePrefix + ", hotPathTimeout=" + hotPathTimeout
                + ", queryTimeout=" + queryTimeout + "]";
    }

    /**
     * Configures a {@link JdbcTokenStore}. Each option may be set once; not thread-safe (build the store once at
     * start-up).
     */
    public static final class Builder {
        private final JdbcOptions options;
        private Clock clock = Clock.systemUTC();
        private boolean clockSet;

        private Builder(DataSource dataSource) {
            this.options = new JdbcOptions(dataSource);
        }

        /**
         * The database dialect. When not set, {@link #build()} detects it from the database's metadata (which needs
         * a connection).
         *
         * @param dialect the database dialect
         * @return this builder
         * @throws NullPointerException  if {@code dialect} is null
         * @throws IllegalStateException if the dialect was already set
         */
        public Builder dialect(SqlDialect dialect) {
            options.dialect(dialect);
            return this;
        }

        /**
         * The table name prefix (default {@code latchkey_}); must match {@code [A-Za-z][A-Za-z0-9_]{0,30}} and the
         * prefix the schema was installed with.
         *
         * @param tablePrefix the table name prefix
         * @return this builder
         * @throws IllegalArgumentException if the prefix is not a plain identifier
         * @throws IllegalStateException    if the prefix was already set
         */
        public Builder tablePrefix(String tablePrefix) {
            options.tablePrefix(tablePrefix);
            return this;
        }

        /**
         * The time-out of the statements off the request path: token-manager queries, {@code countActive}, writes
         * ({@code insert}, {@code update}, {@code savePolicy}, which may wait for the change-sequence lock),
         * {@code recordLastUse}, {@code purge} and {@code pruneChanges} (default 30 s: they may scan a large
         * table, and a person or a background job waits for them, not a request; {@link Duration#ZERO} for none).
         * JDBC counts whole seconds, so a fraction rounds up. A statement that times out, or a connection silent
         * for half a second longer, throws {@link dev.latchkey.spi.StoreUnavailableException}. (H2 does not apply
         * it to lock waits, which its own {@code LOCK_TIMEOUT} setting bounds instead.)
         *
         * @param queryTimeout the statement time-out
         * @return this builder
         * @throws IllegalArgumentException if negative or longer than {@link Integer#MAX_VALUE} seconds
         * @throws IllegalStateException    if the time-out was already set
         */
        public Builder queryTimeout(Duration queryTimeout) {
            options.queryTimeout(queryTimeout);
            return this;
        }

        /**
         * The time-out of the reads a request or the change-feed poll waits for: {@code findByDigest},
         * {@code findById}, {@code loadPolicy}, {@code changesSince}, {@code latestChangeSequence} (default 2 s;
         * they are single indexed reads, so an answer later than that means a sick database, and a request thread
         * should not wait for it). A call on a hung or frozen connection fails with
         * {@link dev.latchkey.spi.StoreUnavailableException} after at most this time plus half a second: the
         * statement time-out (whole seconds, rounded up) asks the server to cancel, and the connection's network
         * time-out, lowered for the call, ends a read on a silent socket. Getting a connection is bounded by the
         * pool's or the driver's own settings (see the README's token-jdbc section).
         *
         * @param hotPathTimeout the longest one of those reads may wait for the database
         * @return this builder
         * @throws IllegalArgumentException if not positive, or longer than about 24 days
         * @throws IllegalStateException    if the time-out was already set
         */
        public Builder hotPathTimeout(Duration hotPathTimeout) {
            options.hotPathTimeout(hotPathTimeout);
            return this;
        }

        /**
         * The clock that stamps change events (default {@link Clock#systemUTC()}).
         *
         * @param clock the clock
         * @return this builder
         * @throws IllegalStateException if the clock was already set
         */
        public Builder clock(Clock clock) {
            Objects.requireNonNull(clock, "clock");
            SetOnce.check(clockSet, this.clock, "clock");
            this.clock = clock;
            this.clockSet = true;
            return this;
        }

        /**
         * An immutable, thread-safe store.
         *
         * @return the built instance, ready to use
         * @throws dev.latchkey.spi.StoreUnavailableException if no dialect was set and the database could not be
         *                                                    reached to detect it
         * @throws IllegalStateException                      if the detected database is not supported
         */
        public JdbcTokenStore build() {
            return new JdbcTokenStore(this, options.dialectOrDetect("JdbcTokenStore"));
        }
    }
}
