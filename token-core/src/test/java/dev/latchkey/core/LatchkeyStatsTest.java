package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.spi.AccessLevel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Latchkey#stats()}: the token cache's hits and misses and the store reads they cost, as metrics read them. */
class LatchkeyStatsTest {
    private final Fixture f = new Fixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void statsWhenNothingDecidedThenZeroAndNoRatio() {
        LatchkeyStats s = f.latchkey.stats();
        assertThat(s.cacheHits()).isZero();
        assertThat(s.cacheMisses()).isZero();
        assertThat(s.storeReads()).isZero();
        assertThat(s.storeReadTime()).isEqualTo(Duration.ZERO);
        assertThat(s.cacheHitRatio()).isNaN();
    }

    @Test
    void statsWhenOneTokenUsedFourTimesThenOneMissOneReadThreeHits() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        int readsBefore = f.store.lookups.get();
        for (int i = 0; i < 4; i++) {
            assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
        }
        LatchkeyStats s = f.latchkey.stats();
        assertThat(s.cacheMisses()).isEqualTo(1);
        assertThat(s.cacheHits()).isEqualTo(3);
        assertThat(s.storeReads()).isEqualTo(1).isEqualTo(f.store.lookups.get() - readsBefore);
        assertThat(s.storeReadFailures()).isZero();
        assertThat(s.storeReadTime()).isPositive();
        assertThat(s.cacheHitRatio()).isEqualTo(0.75);
    }

    @Test
    void statsWhenUnknownTokenRepeatedThenTheNegativeEntryCountsAsAHit() {
        IssuedToken foreign;
        try (Fixture other = new Fixture()) {
            foreign = other.create("alice", AccessLevel.READ);
        }
        assertThat(Fixture.reason(f.auth(foreign, "GET", "/x"))).isEqualTo(RefusalReason.UNKNOWN);
        assertThat(Fixture.reason(f.auth(foreign, "GET", "/x"))).isEqualTo(RefusalReason.UNKNOWN);
        LatchkeyStats s = f.latchkey.stats();
        assertThat(s.cacheMisses()).isEqualTo(1);
        assertThat(s.cacheHits()).isEqualTo(1);
        assertThat(s.storeReads()).isEqualTo(1);
    }

    @Test
    void statsWhenStoreFailsThenTheReadIsCountedAsAFailure() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        f.store.down.set(true);
        assertThat(Fixture.reason(f.auth(t, "GET", "/x"))).isEqualTo(RefusalReason.STORE_UNAVAILABLE);
        LatchkeyStats s = f.latchkey.stats();
        assertThat(s.cacheMisses()).isEqualTo(1);
        assertThat(s.storeReads()).isEqualTo(1);
        assertThat(s.storeReadFailures()).isEqualTo(1);
        // nothing failed was cached: the next request reads again, and succeeds once the store is back
        f.store.down.set(false);
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
        assertThat(f.latchkey.stats().storeReads()).isEqualTo(2);
        assertThat(f.latchkey.stats().storeReadFailures()).isEqualTo(1);
    }

    @Test
    void statsWhenCacheTrustLostThenEveryLookupIsAMissThatReadsTheStore() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
        assertThat(f.latchkey.clusterState().mode()).isEqualTo(ClusterState.Mode.FOLLOWING);
        f.store.down.set(true); // polls fail from now on
        f.clock.advance(Duration.ofSeconds(10)); // well past the 2 s bound since the last good poll
        assertThat(Fixture.reason(f.auth(t, "GET", "/x"))).isEqualTo(RefusalReason.STORE_UNAVAILABLE);
        assertThat(f.latchkey.clusterState().trusted()).isFalse();
        LatchkeyStats s = f.latchkey.stats();
        assertThat(s.cacheHits()).isEqualTo(1);
        assertThat(s.cacheMisses()).isEqualTo(2);
        assertThat(s.storeReadFailures()).isEqualTo(1);
    }

    @Test
    void closeWhenStoreReachableThenLastUsesAreWrittenAndNothingIsLost() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        String log = stderrOf(() -> {
            assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
            f.latchkey.close();
        });
        assertThat(f.store.findById(t.record().id()).orElseThrow().lastUse()).isPresent();
        assertThat(log).doesNotContain("could not record last use");
    }

    @Test
    void closeWhenStoreDownThenTheFinalFlushSaysItIsFinalWithTheCountAndPromisesNoRetry() {
        IssuedToken a = f.create("alice", AccessLevel.READ);
        IssuedToken b = f.create("dave", AccessLevel.READ);
        assertThat(f.auth(a, "GET", "/x").isAllowed()).isTrue();
        assertThat(f.auth(b, "GET", "/x").isAllowed()).isTrue();
        String log = stderrOf(() -> {
            f.store.down.set(true);
            f.latchkey.close();
        });
        assertThat(log).contains("could not record last use of 2 tokens in the final flush", "nothing retries",
                "is lost");
        assertThat(log).doesNotContain("will retry");
    }

    @Test
    void flushWhenStoreDownWhileRunningThenTheNextFlushWritesTheUse() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
        String log = stderrOf(() -> {
            f.store.down.set(true);
            f.latchkey.flushLastUse();
        });
        assertThat(log).contains("could not record last use of 1 tokens; will retry at the next flush");
        f.store.down.set(false);
        f.latchkey.flushLastUse();
        assertThat(f.store.findById(t.record().id()).orElseThrow().lastUse()).isPresent();
    }

    /** What slf4j-simple writes to stderr while {@code r} runs. */
    private static String stderrOf(Runnable r) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
