package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.jdbc.faults.FaultyTcpProxy;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.DuplicateTokenException;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenRecord;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * LISTEN/NOTIFY on real PostgreSQL (skipped without it): a change committed through one store wakes a listener
 * made for another at once; a rolled-back change wakes nobody; a frozen listener connection is replaced.
 */
class PgChangeListenerTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final LinkedBlockingQueue<Long> wakes = new LinkedBlockingQueue<>();

    @AfterEach
    void clean() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private String schema(TestDatabase db) {
        String prefix = db.freshSchema();
        cleanup.add(() -> db.drop(prefix));
        return prefix;
    }

    private PgChangeListener listener(DataSource ds, String prefix, Duration heartbeat) throws InterruptedException {
        PgChangeListener l = PgChangeListener.builder(ds, () -> wakes.add(System.nanoTime())).tablePrefix(prefix)
                .heartbeat(heartbeat).checkTimeout(Duration.ofMillis(500)).reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .start();
        cleanup.add(l);
        assertThat(l.awaitListening(Duration.ofSeconds(10))).as("listening").isTrue();
        assertThat(wakes.poll(5, TimeUnit.SECONDS)).as("one wake-up after connecting").isNotNull();
        wakes.clear();
        return l;
    }

    private static TokenRecord token(String id) {
        return new TokenRecord(id, TokenKind.PERSONAL, "name", "alice", "alice", Scope.of(AccessLevel.READ), List.of(),
                "digest-" + id, "sha256", "hint", T0, Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    @Test
    void changeWhenCommittedThroughAnotherStoreThenListenerWokenWithin100Ms() throws Exception {
        TestDatabase db = TestDatabase.postgres();
        String prefix = schema(db);
        JdbcTokenStore nodeA = JdbcTokenStore.builder(db.dataSource).dialect(db.dialect).tablePrefix(prefix).build();
        PgChangeListener onB = listener(db.dataSource, prefix, Duration.ofSeconds(1));
        assertThat(onB.channel()).isEqualTo(prefix.toLowerCase() + "changes");

        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TokenRecord t = token("t" + i);
            nodeA.insert(t);
            long committed = System.nanoTime();
            Long woke = wakes.poll(2, TimeUnit.SECONDS);
            assertThat(woke).as("woken after insert " + i).isNotNull();
            latencies.add(TimeUnit.NANOSECONDS.toMillis(woke - committed));
            nodeA.update(nodeA.findById(t.id()).orElseThrow().withName("renamed"), 0);
            assertThat(wakes.poll(2, TimeUnit.SECONDS)).as("woken after update " + i).isNotNull();
        }
        nodeA.savePolicy(Map.of("k", "v"), 0);
        assertThat(wakes.poll(2, TimeUnit.SECONDS)).as("woken after a policy change").isNotNull();
        latencies.sort(null);
        System.err.println("[latchkey-test] NOTIFY wake-up after commit, ms (sorted): " + latencies);
        assertThat(latencies.get(latencies.size() - 1)).as("slowest wake-up").isLessThan(100);
        assertThat(onB.notificationCount()).isGreaterThanOrEqualTo(41);
    }

    @Test
    void insertWhenRolledBackAsDuplicateThenNoNotification() throws Exception {
        TestDatabase db = TestDatabase.postgres();
        String prefix = schema(db);
        JdbcTokenStore store = JdbcTokenStore.builder(db.dataSource).dialect(db.dialect).tablePrefix(prefix).build();
        store.insert(token("x"));
        listener(db.dataSource, prefix, Duration.ofSeconds(5));
        assertThatThrownBy(() -> store.insert(token("x"))).isInstanceOf(DuplicateTokenException.class);
        assertThat(wakes.poll(300, TimeUnit.MILLISECONDS)).as("a change that did not commit wakes nobody").isNull();
    }

    @Test
    void listenerWhenForeignNotifyWithHostilePayloadThenOnlyWokenAndOtherChannelsIgnored() throws Exception {
        TestDatabase db = TestDatabase.postgres();
        String prefix = schema(db);
        PgChangeListener l = listener(db.dataSource, prefix, Duration.ofSeconds(5));
        try (Connection c = db.dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("NOTIFY \"" + prefix.toLowerCase() + "otherchannel\", 'x'");
            s.execute("SELECT pg_notify('" + l.channel() + "', repeat('%s'' ; DROP TABLE x; ', 300))");
        }
        assertThat(wakes.poll(2, TimeUnit.SECONDS)).as("a notification is only ever a wake-up").isNotNull();
        assertThat(wakes.poll(200, TimeUnit.MILLISECONDS)).as("the other channel is not ours").isNull();
        assertThat(l.isListening()).isTrue();
        assertThat(l.connectionCount()).isEqualTo(1);
    }

    @Test
    void listenerWhenItsConnectionFreezesThenReconnectsAndWakesAgain() throws Exception {
        TestDatabase db = TestDatabase.postgres();
        String prefix = schema(db);
        JdbcTokenStore nodeA = JdbcTokenStore.builder(db.dataSource).dialect(db.dialect).tablePrefix(prefix).build();
        FaultyTcpProxy proxy = FaultyTcpProxy.inFrontOf(db.url);
        cleanup.add(proxy);
        PgChangeListener l = listener(new SimpleDataSource(proxy.jdbcUrl(db.url), db.user, db.password), prefix,
                Duration.ofMillis(200));

        proxy.freezeAll(); // notifications sent now are lost with this connection
        nodeA.insert(token("lost"));
        assertThat(wakes.poll(150, TimeUnit.MILLISECONDS)).as("frozen: the notification does not arrive").isNull();
        long frozenAt = System.nanoTime();
        Long woke = wakes.poll(5, TimeUnit.SECONDS);
        assertThat(woke).as("a new connection wakes the node once, to catch up on what it missed").isNotNull();
        System.err.println("[latchkey-test] listener back " + TimeUnit.NANOSECONDS.toMillis(woke - frozenAt)
                + " ms after the freeze was noticeable");
        assertThat(l.connectionCount()).isEqualTo(2);
        assertThat(l.isListening()).isTrue();

        nodeA.insert(token("after"));
        assertThat(wakes.poll(2, TimeUnit.SECONDS)).as("notifications flow on the new connection").isNotNull();
        proxy.thawAll();
    }

    @Test
    void closeWhenListeningThenThreadStopsAndConnectionReleased() throws Exception {
        TestDatabase db = TestDatabase.postgres();
        String prefix = schema(db);
        PgChangeListener l = listener(db.dataSource, prefix, Duration.ofSeconds(5));
        l.close();
        l.close();
        assertThat(l.isListening()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("latchkey-pg-listener-" + l.channel()));
    }

    @Test
    void builderWhenBadOptionsThenRejectedWithTheFieldName() {
        DataSource ds = new SimpleDataSource("jdbc:postgresql://127.0.0.1:1/none", "u", "");
        assertThatThrownBy(() -> PgChangeListener.builder(ds, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("onChange");
        assertThatThrownBy(() -> PgChangeListener.builder(ds, () -> { }).tablePrefix("x; DROP TABLE t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tablePrefix");
        assertThatThrownBy(() -> PgChangeListener.builder(ds, () -> { }).heartbeat(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeat");
        assertThatThrownBy(() -> PgChangeListener.builder(ds, () -> { })
                .reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reconnectBackoff");
    }
}
