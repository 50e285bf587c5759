package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenStore;
import dev.latchkey.tck.TokenStoreContract;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The TCK plus JDBC-specific behaviour (schema installer, prefixes, several store instances on one database,
 * change-feed ordering under concurrency), run once per database by the subclasses.
 */
abstract class JdbcTokenStoreSuite extends TokenStoreContract {

    private final List<String> prefixes = Collections.synchronizedList(new ArrayList<>());

    /** The database this suite runs on (skips or fails in {@code @BeforeAll} when a server is not configured). */
    abstract TestDatabase database();

    @Override
    protected TokenStore createStore() {
        return newStore(newSchema());
    }

    String newSchema() {
        String prefix = database().freshSchema();
        prefixes.add(prefix);
        return prefix;
    }

    JdbcTokenStore newStore(String prefix) {
        return JdbcTokenStore.builder(database().dataSource).dialect(database().dialect).tablePrefix(prefix).build();
    }

    @AfterEach
    void dropSchemas() {
        prefixes.forEach(p -> database().drop(p));
        prefixes.clear();
    }

    static TokenRecord record(String id, String owner) {
        return new TokenRecord(id, TokenKind.PERSONAL, "name " + id, owner, owner, Scope.of(AccessLevel.READ), List.of(),
                "digest-" + id, "sha256", "hint", Instant.parse("2030-01-01T00:00:00Z"), Optional.empty(),
                Optional.empty(), Optional.empty(), 0);
    }

    @Test
    @DisplayName("SchemaInstaller: idempotent — running it again keeps tables and data")
    void installWhenRunAgainThenIdempotentAndDataKept() {
        String prefix = newSchema();
        JdbcTokenStore store = newStore(prefix);
        store.insert(record("kept", "alice"));
        store.savePolicy(java.util.Map.of("a", "1"), 0);
        long seq = store.latestChangeSequence();

        SchemaInstaller.install(database().dataSource, database().dialect, prefix);
        SchemaInstaller.install(database().dataSource, database().dialect, prefix);

        assertThat(store.findById("kept")).isPresent();
        assertThat(store.loadPolicy()).isPresent();
        assertThat(store.latestChangeSequence()).isEqualTo(seq);
        store.insert(record("after", "alice"));
        assertThat(store.latestChangeSequence()).isEqualTo(seq + 1);
    }

    @Test
    @DisplayName("SchemaInstaller: safe to run from several nodes at once")
    void installWhenSeveralInstallersRunAtOnceThenAllSucceed() throws Exception {
        String prefix = database().newPrefix();
        prefixes.add(prefix);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    SchemaInstaller.install(database().dataSource, database().dialect, prefix);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        JdbcTokenStore store = newStore(prefix);
        store.insert(record("x", "alice"));
        assertThat(store.latestChangeSequence()).isEqualTo(1);
    }

    @Test
    @DisplayName("JdbcTokenStore.Builder: the dialect is detected from DatabaseMetaData when not set")
    void buildWhenDialectNotSetThenDetectedFromMetadata() {
        JdbcTokenStore store = JdbcTokenStore.builder(database().dataSource).tablePrefix(newSchema()).build();

        assertThat(store.dialect()).isEqualTo(database().dialect);
        store.insert(record("detected", "alice"));
        assertThat(store.findById("detected")).isPresent();
        assertThat(JdbcAuditLog.builder(database().dataSource).build().dialect()).isEqualTo(database().dialect);
    }

    @Test
    @DisplayName("JdbcTokenStore.toString: dialect and prefix, never the data source or credentials")
    void toStringWhenBuiltThenShowsDialectAndPrefixOnly() {
        String prefix = newSchema();
        JdbcTokenStore store = newStore(prefix);

        assertThat(store.toString()).contains(database().dialect.name(), prefix)
                .doesNotContain("jdbc:", "password", database().url);
    }

    @Test
    @DisplayName("JdbcTokenStore: tables of different prefixes are independent stores in one database")
    void storesWhenPrefixesDifferThenIsolated() {
        JdbcTokenStore a = newStore(newSchema());
        JdbcTokenStore b = newStore(newSchema());

        a.insert(record("same-id", "alice"));
        b.insert(record("same-id", "bob"));

        assertThat(a.findById("same-id").orElseThrow().owner()).isEqualTo("alice");
        assertThat(b.findById("same-id").orElseThrow().owner()).isEqualTo("bob");
        assertThat(a.latestChangeSequence()).isEqualTo(1);
        assertThat(b.latestChangeSequence()).isEqualTo(1);
    }

    @Test
    @DisplayName("JdbcTokenStore: two nodes on one database see each other's writes and change feed")
    void storesWhenTwoNodesShareTablesThenEachSeesTheOthersChanges() {
        String prefix = newSchema();
        JdbcTokenStore node1 = newStore(prefix);
        JdbcTokenStore node2 = newStore(prefix);
        long seen = node2.latestChangeSequence();

        node1.insert(record("shared", "alice"));
        TokenRecord revoked = node1.update(node1.findById("shared").orElseThrow()
                .withRevocation(new dev.latchkey.spi.Revocation(Instant.parse("2030-01-02T00:00:00Z"), "admin", "")), 0);

        assertThat(node2.findByDigest("digest-shared")).contains(revoked);
        assertThat(node2.changesSince(seen, 10)).extracting(e -> e.tokenId().orElseThrow()).containsExactly("shared", "shared");
    }

    @Test
    @DisplayName("JdbcTokenStore: values beyond the column limits or not storable are rejected as invalid, not as an outage")
    void insertWhenTextExceedsLimitsThenIllegalArgumentException() {
        JdbcTokenStore store = newStore(newSchema());
        TokenRecord ok = record("limits", "alice");

        assertThatThrownBy(() -> store.insert(ok.withName("n".repeat(1001)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> store.insert(ok.withName("nul\u0000"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.insert(ok.withName("half \uD83D"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.insert(ok.withVersion(3))).isInstanceOf(IllegalArgumentException.class);
        store.insert(ok.withName("n".repeat(1000)));
        assertThat(store.findById("limits").orElseThrow().name()).hasSize(1000);
        assertThat(store.latestChangeSequence()).isEqualTo(1);
    }

    @Test
    @DisplayName("JdbcTokenStore: change-feed sequences follow commit order — a poller racing with writers misses nothing")
    void changesSinceWhenPolledDuringConcurrentWritesThenNoEventIsSkipped() throws Exception {
        JdbcTokenStore store = newStore(newSchema());
        int writers = 4;
        int each = 40;
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            Future<?> poller = pool.submit(() -> {
                long after = 0;
                while (true) {
                    boolean last = done.get();
                    List<ChangeEvent> batch = store.changesSince(after, 7);
                    for (ChangeEvent e : batch) {
                        seen.add(e.sequence());
                        after = e.sequence();
                    }
                    if (last && batch.isEmpty()) {
                        return null;
                    }
                }
            });
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        store.insert(record("w" + writer + "-" + i, "owner"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            done.set(true);
            poller.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        Set<Long> all = new TreeSet<>();
        store.changesSince(0, writers * each + 10).forEach(e -> all.add(e.sequence()));
        assertThat(all).hasSize(writers * each);
        assertThat(new TreeSet<>(seen)).isEqualTo(all);
    }

    @Test
    @DisplayName("JdbcTokenStore.recordLastUse: a large batch (one JDBC batch) records every token's latest use")
    void recordLastUseWhenLargeBatchThenEveryTokenUpdated() {
        JdbcTokenStore store = newStore(newSchema());
        for (int i = 0; i < 300; i++) {
            store.insert(record(String.format("b%03d", i), "owner"));
        }
        List<LastUse> uses = new ArrayList<>();
        Instant base = Instant.parse("2030-02-01T00:00:00Z");
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 300; i++) {
                uses.add(new LastUse(String.format("b%03d", i), base.plusSeconds(round * 1000L + i), "10.1.1." + round));
            }
        }
        Collections.shuffle(uses);

        store.recordLastUse(uses);

        assertThat(store.query(TokenQuery.builder(base).neverUsed(true).build()).total()).isZero();
        assertThat(store.findById("b123").orElseThrow().lastUse()).contains(new LastUse("b123", base.plusSeconds(2123), "10.1.1.2"));
    }

    @Test
    @DisplayName("JdbcTokenStore: a statement that waits past the query time-out is StoreUnavailableException; the store works once the lock is gone")
    void insertWhenBlockedPastQueryTimeoutThenStoreUnavailableAndLaterSucceeds() throws Exception {
        String prefix = newSchema();
        JdbcTokenStore store = JdbcTokenStore.builder(database().dataSource).dialect(database().dialect)
                .tablePrefix(prefix).queryTimeout(java.time.Duration.ofSeconds(1)).build();
        try (java.sql.Connection blocker = database().dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (java.sql.Statement s = blocker.createStatement()) {
                s.executeQuery(store.sql().lockSequence).close();
            }
            long started = System.nanoTime();

            assertThatThrownBy(() -> store.insert(record("blocked", "alice")))
                    .isInstanceOf(dev.latchkey.spi.StoreUnavailableException.class)
                    .hasMessageStartingWith("JdbcTokenStore.insert failed");

            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(30));
            blocker.rollback();
        }
        store.insert(record("unblocked", "alice"));
        assertThat(store.findById("blocked")).isEmpty();
        assertThat(store.findById("unblocked")).isPresent();
        assertThat(store.changesSince(0, 10)).hasSize(1);
    }
}
