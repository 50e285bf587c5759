package dev.latchkey.core;

import dev.latchkey.core.memory.InMemoryNoticeLedger;
import dev.latchkey.core.memory.InMemoryTokenStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.Notice;
import dev.latchkey.spi.NoticeKind;
import dev.latchkey.spi.NoticeLedger;
import dev.latchkey.spi.TokenStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NoticesTest {
    private final List<Notice> sent = new CopyOnWriteArrayList<>();
    private final Fixture f = Fixture.with(b -> b.notifier(sent::add));

    @AfterEach
    void close() {
        f.close();
    }

    private IssuedToken tokenFor(String owner, String by, Duration lifetime) {
        return f.latchkey.tokens().create(Actor.user(by),
                NewToken.builder("n-" + owner, AccessLevel.READ).owner(owner).lifetime(lifetime).build());
    }

    @Test
    void createWhenOnBehalfThenOwnerNotifiedAndWhenForSelfThenNot() {
        f.create("alice", AccessLevel.READ);
        assertThat(sent).isEmpty();
        IssuedToken t = tokenFor("alice", "admin", Duration.ofDays(10));
        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(NoticeKind.CREATED_ON_BEHALF);
            assertThat(n.owner()).isEqualTo("alice");
            assertThat(n.actor()).isEqualTo("admin");
            assertThat(n.tokenId()).isEqualTo(t.record().id());
            assertThat(n.toString()).doesNotContain(t.secret().reveal());
        });
    }

    @Test
    void revokeWhenBySomeoneElseThenOwnerNotifiedAndWhenByOwnerThenNot() {
        IssuedToken own = f.create("alice", AccessLevel.READ);
        f.latchkey.tokens().revoke(Actor.user("alice"), own.record().id(), "done");
        assertThat(sent).isEmpty();
        IssuedToken t = f.create("alice", AccessLevel.READ);
        f.latchkey.tokens().revoke(Actor.user("admin"), t.record().id(), "offboarding");
        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(NoticeKind.REVOKED_BY_OTHER);
            assertThat(n.details()).containsEntry("reason", "offboarding");
        });
    }

    @Test
    void reportLeakedWhenRepeatedThenOneLeakNoticeNamingThePlace() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        f.latchkey.tokens().reportLeaked("github", t.secret().reveal(), "https://github.com/o/r/blob/main/ci.yml");
        f.latchkey.tokens().reportLeaked("github", t.secret().reveal(), "https://github.com/o/r/blob/main/ci.yml");
        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(NoticeKind.REVOKED_LEAKED);
            assertThat(n.details()).containsEntry("foundAt", "https://github.com/o/r/blob/main/ci.yml")
                    .containsEntry("reporter", "github");
            assertThat(n.toString()).doesNotContain(t.secret().reveal());
        });
    }

    @Test
    void notifierWhenItFailsThenTheRevocationStands() {
        try (Fixture g = Fixture.with(b -> b.notifier(n -> {
            throw new IllegalStateException("smtp down");
        }))) {
            IssuedToken t = g.create("alice", AccessLevel.READ);
            g.latchkey.tokens().revoke(Actor.user("admin"), t.record().id(), "x");
            assertThat(g.auth(t, "GET", "/x").isAllowed()).isFalse();
        }
    }

    @Test
    void latchkeyAuditLogWhenNotifierWrapsTheSinkThenStillTheHostsQueryableLog() {
        dev.latchkey.spi.AuditLog log = new dev.latchkey.spi.AuditLog() {
            @Override
            public void record(dev.latchkey.spi.AuditEvent event) {
            }

            @Override
            public dev.latchkey.spi.Page<dev.latchkey.spi.AuditEvent> query(dev.latchkey.spi.AuditQuery query) {
                return new dev.latchkey.spi.Page<>(List.of(), 0, 1, 0);
            }
        };
        try (Fixture queryable = Fixture.with(log, b -> { })) {
            assertThat(queryable.latchkey.auditLog()).containsSame(log);
        }
        assertThat(f.latchkey.auditLog()).as("a write-only sink is no audit log").isEmpty();
    }

    @Test
    void sweepWhenTokenExpiresIn59DaysThenExactlyOne60DayNoticeAcrossTwoSweepersAndDays() {
        IssuedToken t = tokenFor("alice", "alice", Duration.ofDays(59));
        tokenFor("bob", "bob", Duration.ofDays(200)); // outside every window throughout
        List<Notice> mails = new CopyOnWriteArrayList<>();
        NoticeLedger shared = new InMemoryNoticeLedger(); // what the store would keep for both nodes
        ExpiryNotices node1 = ExpiryNotices.builder(f.store).ledger(shared).notifier(mails::add).clock(f.clock).build();
        ExpiryNotices node2 = ExpiryNotices.builder(f.store).ledger(shared).notifier(mails::add).clock(f.clock).build();
        assertThat(node1.runOnce() + node2.runOnce()).isEqualTo(1);
        f.clock.advance(Duration.ofDays(1));
        assertThat(node2.runOnce() + node1.runOnce()).isZero();
        assertThat(mails).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(NoticeKind.EXPIRING);
            assertThat(n.tokenId()).isEqualTo(t.record().id());
            assertThat(n.details()).containsEntry("threshold", "PT1440H").containsEntry("daysLeft", "59");
        });
        f.clock.advance(Duration.ofDays(29)); // 29 days left: the 30-day notice, once
        assertThat(node1.runOnce() + node2.runOnce()).isEqualTo(1);
        f.clock.advance(Duration.ofDays(23)); // 6 days left
        assertThat(node1.runOnce() + node2.runOnce()).isEqualTo(1);
        f.clock.advance(Duration.ofDays(7)); // expired: nothing more
        assertThat(node1.runOnce() + node2.runOnce()).isZero();
        assertThat(mails).extracting(n -> n.details().get("threshold")).containsExactly("PT1440H", "PT720H", "PT168H");
    }

    @Test
    void sweepWhenManyThreadsSweepAtOnceThenEachNoticeOnce() throws Exception {
        for (int i = 0; i < 20; i++) {
            tokenFor("alice", "admin", Duration.ofDays(5 + i));
        }
        List<Notice> mails = new CopyOnWriteArrayList<>();
        ExpiryNotices sweep = ExpiryNotices.builder(f.store).ledger(new InMemoryNoticeLedger()).notifier(mails::add).clock(f.clock).build();
        Thread[] ts = new Thread[8];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = new Thread(sweep::runOnce);
            ts[i].start();
        }
        for (Thread th : ts) {
            th.join();
        }
        assertThat(mails).hasSize(20);
        assertThat(mails.stream().map(Notice::tokenId).distinct()).hasSize(20);
    }

    @Test
    void builderWhenStoreKeepsNoLedgerThenRefusedWithAdvice() {
        TokenStore plain = new CountingStore(new InMemoryTokenStore());
        assertThatThrownBy(() -> ExpiryNotices.builder(plain).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ledger(");
        NoticeLedger ledger = new InMemoryNoticeLedger();
        assertThat(ExpiryNotices.builder(plain).ledger(ledger).build().runOnce()).isZero();
        assertThatThrownBy(() -> ExpiryNotices.builder(plain).thresholds(List.of(Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
