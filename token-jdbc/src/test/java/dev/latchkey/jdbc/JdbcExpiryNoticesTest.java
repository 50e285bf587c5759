package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Actor;
import dev.latchkey.core.ExpiryNotices;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.Policy;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.Notice;
import dev.latchkey.spi.NoticeKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's acceptance test: with an injected clock, a token expiring in 59 days gets exactly one 60-day notice
 * across two engines on one real database (PostgreSQL when configured, else H2), also after a "restart" (a new
 * engine and ledger over the same tables).
 */
class JdbcExpiryNoticesTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final List<Latchkey> engines = new ArrayList<>();
    private final List<Notice> mails = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(Latchkey::close);
    }

    private static TestDatabase database() {
        String url = TestDatabase.setting("latchkey.test.postgres.url", "LATCHKEY_TEST_POSTGRES_URL");
        return url != null && !url.isBlank() ? TestDatabase.postgres() : TestDatabase.h2();
    }

    private record Node(Latchkey latchkey, ExpiryNotices sweep) {
    }

    private Node node(TestDatabase db, String prefix) {
        JdbcTokenStore store = JdbcTokenStore.builder(db.dataSource).dialect(db.dialect).tablePrefix(prefix).build();
        Latchkey lk = Latchkey.builder().store(store).directory(new InMemoryUserDirectory().add("alice", "users"))
                .auditSink(e -> { }).clock(clock)
                .initialPolicy(Policy.defaults().with(Map.of("useTokens", "users", "createTokens", "users",
                        "levelGrants", "users=WRITE")))
                .build();
        engines.add(lk);
        ExpiryNotices sweep = ExpiryNotices.builder(store)
                .ledger(JdbcNoticeLedger.of(db.dataSource, store).installSchema())
                .notifier(mails::add).clock(clock).build();
        return new Node(lk, sweep);
    }

    @Test
    void sweepWhenTwoEnginesShareADatabaseThenA59DayTokenGetsExactlyOne60DayNotice() throws Exception {
        TestDatabase db = database();
        String prefix = db.freshSchema();
        try {
            Node a = node(db, prefix);
            Node b = node(db, prefix);
            IssuedToken t = a.latchkey().tokens().create(Actor.user("alice"),
                    NewToken.builder("ci", AccessLevel.READ).lifetime(Duration.ofDays(59)).build());
            // both nodes sweep at once, several times
            Thread ta = new Thread(() -> { a.sweep().runOnce(); a.sweep().runOnce(); });
            Thread tb = new Thread(() -> { b.sweep().runOnce(); b.sweep().runOnce(); });
            ta.start();
            tb.start();
            ta.join();
            tb.join();
            now.set(now.get().plus(Duration.ofDays(1)));
            assertThat(a.sweep().runOnce() + b.sweep().runOnce()).isZero();
            Node restarted = node(db, prefix); // a restart: new engine, new ledger object, same tables
            assertThat(restarted.sweep().runOnce()).isZero();
            assertThat(mails).singleElement().satisfies(n -> {
                assertThat(n.kind()).isEqualTo(NoticeKind.EXPIRING);
                assertThat(n.tokenId()).isEqualTo(t.record().id());
                assertThat(n.details()).containsEntry("threshold", "PT1440H");
                assertThat(n.toString()).doesNotContain(t.secret().reveal());
            });
        } finally {
            db.drop(prefix);
            try (var c = db.dataSource.getConnection(); var s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + prefix + "notices");
            }
        }
    }
}
