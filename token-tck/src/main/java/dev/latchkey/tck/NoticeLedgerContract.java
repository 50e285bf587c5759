package dev.latchkey.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.NoticeLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Contract tests for {@link NoticeLedger} (each notice sent once across nodes and restarts). Extend this class
 * and implement {@link #createLedger()}; every test uses fresh token ids, so a shared database is fine.
 * {@link #reopenLedger()} may return a second instance over the same storage (a second node, a restart).
 */
public abstract class NoticeLedgerContract {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * Creates a ledger under test; called at least once per test. Its storage may be shared with earlier
     * tests, because every test uses fresh token ids.
     *
     * @return a ledger over the storage under test
     */
    protected abstract NoticeLedger createLedger();

    /**
     * Opens a second ledger over the same storage as {@link #createLedger()}, standing for a second node or a
     * restart. Override it when {@code createLedger()} returns a fresh, empty storage each time.
     *
     * @return another ledger over the same storage; by default the result of another {@code createLedger()} call
     */
    protected NoticeLedger reopenLedger() {
        return createLedger();
    }

    private static String id() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    @Test
    void claimWhenFirstThenTrueAndAfterwardsFalse() {
        NoticeLedger l = createLedger();
        String id = id();
        assertThat(l.claim(id, "expiring-60d@1", AT)).isTrue();
        assertThat(l.claim(id, "expiring-60d@1", AT.plusSeconds(60))).isFalse();
    }

    @Test
    void claimWhenOtherKeyOrOtherTokenThenIndependent() {
        NoticeLedger l = createLedger();
        String a = id();
        String b = id();
        assertThat(l.claim(a, "expiring-60d@1", AT)).isTrue();
        assertThat(l.claim(a, "expiring-30d@1", AT)).isTrue();
        assertThat(l.claim(b, "expiring-60d@1", AT)).isTrue();
    }

    @Test
    void claimWhenAnotherInstanceOverTheSameStorageClaimedThenFalse() {
        String id = id();
        assertThat(createLedger().claim(id, "revoked-leaked", AT)).isTrue();
        assertThat(reopenLedger().claim(id, "revoked-leaked", AT)).isFalse();
    }

    @Test
    void claimWhenManyThreadsRaceForOneNoticeThenExactlyOneWins() throws Exception {
        NoticeLedger l = createLedger();
        String id = id();
        int n = 16;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                NoticeLedger mine = i % 2 == 0 ? l : reopenLedger();
                results.add(pool.submit(() -> {
                    go.await();
                    return mine.claim(id, "expiring-7d@1", AT);
                }));
            }
            go.countDown();
            int wins = 0;
            for (Future<Boolean> f : results) {
                wins += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(wins).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void claimWhenArgumentsBlankOrTooLongThenRefused() {
        NoticeLedger l = createLedger();
        assertThatThrownBy(() -> l.claim(" ", "k", AT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> l.claim(id(), "", AT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> l.claim(id(), "k".repeat(129), AT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> l.claim(null, "k", AT)).isInstanceOf(NullPointerException.class);
    }
}
