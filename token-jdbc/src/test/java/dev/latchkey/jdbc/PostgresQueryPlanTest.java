package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.jdbc.internal.BoundSql;
import dev.latchkey.jdbc.internal.Jdbc;
import dev.latchkey.jdbc.internal.TokenSql;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.Revocation;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenSort;
import dev.latchkey.spi.TokenState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * With 100,000 tokens in PostgreSQL, the store's own statements (taken from {@link TokenSql}, not copied) are
 * planned as index scans: the digest lookup on the hot path and the token manager's filtered, sorted page.
 */
class PostgresQueryPlanTest {
    private static final int OWNERS = 1000;
    private static final int PER_OWNER = 100;
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static TestDatabase db;
    private static String prefix;
    private static JdbcTokenStore store;

    @BeforeAll
    static void load() throws SQLException {
        db = TestDatabase.postgres();
        prefix = db.freshSchema();
        store = JdbcTokenStore.builder(db.dataSource).dialect(SqlDialect.POSTGRESQL).tablePrefix(prefix).build();
        DataSource bulk = new SimpleDataSource(db.url + (db.url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true",
                TestDatabase.setting("latchkey.test.postgres.user", "LATCHKEY_TEST_POSTGRES_USER"),
                java.util.Objects.requireNonNullElse(
                        TestDatabase.setting("latchkey.test.postgres.password", "LATCHKEY_TEST_POSTGRES_PASSWORD"), ""));
        long started = System.nanoTime();
        try (Connection c = bulk.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(store.sql().insert)) {
                int n = 0;
                for (int o = 0; o < OWNERS; o++) {
                    for (int i = 0; i < PER_OWNER; i++, n++) {
                        JdbcTokenStore.bindInsert(ps, token(n, o, i));
                        ps.addBatch();
                        if (n % 5000 == 4999) {
                            ps.executeBatch();
                        }
                    }
                }
                ps.executeBatch();
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.execute("ANALYZE " + store.sql().tokens);
            }
        }
        System.err.printf("[latchkey-test] loaded %d tokens into PostgreSQL in %d ms%n", OWNERS * PER_OWNER,
                (System.nanoTime() - started) / 1_000_000);
    }

    private static TokenRecord token(int n, int owner, int i) {
        String id = String.format("tok%06d", n);
        Optional<Instant> expires = n % 10 == 0 ? Optional.of(T0.plus(Duration.ofDays(30 + n % 365))) : Optional.empty();
        Optional<Revocation> revoked = n % 100 == 7 ? Optional.of(new Revocation(T0.plus(Duration.ofDays(1 + n % 50)), "admin", ""))
                : Optional.empty();
        return new TokenRecord(id, i % 5 == 0 ? TokenKind.SERVICE : TokenKind.PERSONAL, "token " + i + " of owner " + owner,
                String.format("owner-%04d", owner), "admin", Scope.of(AccessLevel.READ), List.of(),
                String.format("%064x", (long) n * 2654435761L), "sha256", "lkp_…" + n,
                T0.minus(Duration.ofMinutes((long) n * 7 % 500_000)), expires, revoked, Optional.empty(), 0);
    }

    @AfterAll
    static void drop() {
        if (db != null && prefix != null) {
            db.drop(prefix);
        }
    }

    private static String explain(BoundSql statement) throws SQLException {
        try (Connection c = db.dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("EXPLAIN " + statement.sql())) {
            Jdbc.bind(ps, statement.params());
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            System.err.println("[latchkey-test] EXPLAIN " + statement.sql() + "\n" + plan);
            return plan.toString();
        }
    }

    private static void assertIndexScan(String plan, String index) {
        assertThat(plan).doesNotContain("Seq Scan")
                .containsAnyOf("Index Scan using " + index, "Index Scan Backward using " + index,
                        "Index Only Scan using " + index, "Index Only Scan Backward using " + index,
                        "Bitmap Index Scan on " + index);
    }

    @Test
    @DisplayName("TokenStore: lookups are by digest, never by scanning — the digest lookup uses the unique digest index")
    void findByDigestWhenHundredThousandTokensThenUniqueIndexScan() throws SQLException {
        String digest = String.format("%064x", 4242L * 2654435761L);

        String plan = explain(new BoundSql(store.sql().findByDigest, List.of(digest)));

        assertIndexScan(plan, prefix + "tokens_digest_uq");
        assertThat(store.findByDigest(digest)).map(TokenRecord::id).contains("tok004242");
    }

    @Test
    @DisplayName("TokenStore: lookups by id use the primary key")
    void findByIdWhenHundredThousandTokensThenPrimaryKeyScan() throws SQLException {
        assertIndexScan(explain(new BoundSql(store.sql().findById, List.of("tok012345"))), prefix + "tokens_pk");
    }

    @Test
    @DisplayName("TokenQuery runs in the database: owner = ? ORDER BY created_at DESC LIMIT 50 uses (owner, created_at)")
    void queryWhenOwnerPageSortedByCreationThenOwnerIndexScan() throws SQLException {
        TokenQuery query = TokenQuery.builder(T0).owner("owner-0421").sort(TokenSort.CREATED_AT, true).size(50).build();
        TokenSql.QueryStatements statements = store.sql().query(query);

        assertIndexScan(explain(statements.page()), prefix + "tokens_owner_created_idx");
        assertIndexScan(explain(statements.count()), prefix + "tokens_owner_created_idx");
        assertThat(store.query(query).items()).hasSize(50).allSatisfy(r -> assertThat(r.owner()).isEqualTo("owner-0421"));
        assertThat(store.query(query).total()).isEqualTo(PER_OWNER);
    }

    @Test
    @DisplayName("TokenQuery runs in the database: owner + nameContains + state + kind still starts from the owner index")
    void queryWhenOwnerWithTextAndStateFiltersThenOwnerIndexScan() throws SQLException {
        TokenQuery query = TokenQuery.builder(T0).owner("owner-0007").nameContains("OF OWNER 7").state(TokenState.ACTIVE)
                .kind(TokenKind.PERSONAL).sort(TokenSort.NAME, false).size(50).build();

        assertIndexScan(explain(store.sql().query(query).page()), prefix + "tokens_owner_created_idx");
        assertThat(store.query(query).total()).isPositive();
    }

    @Test
    @DisplayName("TokenStore.countActive and recordLastUse's UPDATE are index-driven")
    void countActiveAndRecordLastUseWhenHundredThousandTokensThenIndexScans() throws SQLException {
        assertIndexScan(explain(new BoundSql(store.sql().countActive, List.of("owner-0999", T0.toEpochMilli()))),
                prefix + "tokens_owner_created_idx");
        assertIndexScan(explain(new BoundSql(store.sql().recordLastUse,
                List.of(T0.toEpochMilli(), "192.0.2.1", "tok000001", T0.toEpochMilli()))), prefix + "tokens_pk");
    }

    @Test
    @DisplayName("TokenQuery runs in the database: expiring-soon across all owners uses the expiry index")
    void queryWhenExpiresBeforeAcrossOwnersThenExpiryIndex() throws SQLException {
        TokenQuery query = TokenQuery.builder(T0).expiresBefore(T0.plus(Duration.ofDays(32)))
                .sort(TokenSort.EXPIRES_AT, false).size(50).build();

        String plan = explain(store.sql().query(query).page());

        assertThat(plan).doesNotContain("Seq Scan").contains(prefix + "tokens_expires_idx");
        List<String> ids = new ArrayList<>();
        store.query(query).items().forEach(r -> ids.add(r.id()));
        assertThat(ids).isNotEmpty();
    }
}
