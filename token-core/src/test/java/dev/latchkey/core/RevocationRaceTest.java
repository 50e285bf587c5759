package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.spi.AccessLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Many threads authenticate while another revokes. A decision that STARTED after revoke() returned must
 * never be an accept. Repeated, because a race shows only sometimes.
 */
class RevocationRaceTest {

    @RepeatedTest(20)
    void authenticateWhenRevokedConcurrentlyThenNoAcceptStartedAfterRevokeReturned() throws Exception {
        // without the failed-attempt limit: it would stop looking the victim up after 20 refusals from this
        // address, and the race under test is between revocation and lookups
        try (Fixture f = Fixture.with(Latchkey.Builder::noFailedAttemptLimit)) {
            List<IssuedToken> tokens = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tokens.add(f.create("alice", AccessLevel.READ));
            }
            int threads = 6;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicBoolean revoked = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong acceptsAfterRevoke = new AtomicLong();
            AtomicLong decisions = new AtomicLong();
            CountDownLatch warm = new CountDownLatch(threads);
            IssuedToken victim = tokens.get(0);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                futures.add(pool.submit(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        // alternate the victim with others so cache entries keep being loaded and evicted around it
                        IssuedToken tok = (i++ % 3 == 0) ? tokens.get(1 + (n + i) % 3) : victim;
                        boolean startedAfterRevoke = revoked.get();
                        Decision d = f.auth(tok, "GET", "/x");
                        decisions.incrementAndGet();
                        if (tok == victim && startedAfterRevoke && d.isAllowed()) {
                            acceptsAfterRevoke.incrementAndGet();
                        }
                        if (i == 50) {
                            warm.countDown();
                        }
                    }
                }));
            }
            assertThat(warm.await(10, TimeUnit.SECONDS)).isTrue();
            f.latchkey.tokens().revoke(Actor.user("alice"), victim.record().id(), "race");
            revoked.set(true);
            Thread.sleep(50);
            stop.set(true);
            for (Future<?> fu : futures) {
                fu.get(10, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(decisions.get()).isGreaterThan(threads * 50L);
            assertThat(acceptsAfterRevoke.get()).isZero();
            assertThat(f.auth(victim, "GET", "/x").isAllowed()).isFalse();
            assertThat(f.auth(tokens.get(1), "GET", "/x").isAllowed()).isTrue();
        }
    }
}
