package dev.latchkey.core;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines ("nodes") sharing one store, with the change-feed poll: the staleness bound holds for
 * revocation, policy changes and a store outage on one node. The JDBC module runs the same scenarios on real
 * databases.
 */
class ClusterTest {
    private static final Duration BOUND = Duration.ofMillis(800);
    private final InMemoryTokenStore shared = new InMemoryTokenStore();
    private final InMemoryUserDirectory directory = new InMemoryUserDirectory().add("alice", "developers").add("admin", "admins");
    private final CountingStore viewOfB = new CountingStore(shared);
    private final Latchkey a = node(shared);
    private final Latchkey b = node(viewOfB);

    private Latchkey node(TokenStore store) {
        return Latchkey.builder().store(store).directory(directory).auditSink(new RecordingAuditSink())
                .clock(Clock.systemUTC()).initialPolicy(Fixture.policy()).cluster(ClusterOptions.withBound(BOUND)).build();
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private static boolean allowed(Latchkey node, IssuedToken t) {
        return node.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                RequestFacts.of("GET", "/x", "10.1.2.3")).isAllowed();
    }

    /** Polls the condition and returns how long it took to become true (fails after 5 bounds). */
    private static long millisUntil(BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > BOUND.multipliedBy(5).toNanos()) {
                throw new AssertionError("condition not met within 5 staleness bounds");
            }
            Thread.sleep(10);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void createWhenOnNodeAThenWorksOnNodeBAtOnce() {
        IssuedToken t = a.tokens().create(Actor.user("alice"), NewToken.builder("x", AccessLevel.READ).build());
        assertThat(allowed(b, t)).isTrue();
    }

    @Test
    void revokeWhenOnNodeAThenRefusedOnNodeBWithinBound() throws Exception {
        IssuedToken t = a.tokens().create(Actor.user("alice"), NewToken.builder("x", AccessLevel.READ).build());
        assertThat(allowed(b, t)).isTrue(); // cached on B now
        a.tokens().revoke(Actor.user("alice"), t.record().id(), "test");
        long revokedAt = System.nanoTime();
        millisUntil(() -> !allowed(b, t));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revokedAt)).isLessThanOrEqualTo(BOUND.toMillis());
        // and it stays refused
        for (int i = 0; i < 20; i++) {
            assertThat(allowed(b, t)).isFalse();
        }
    }

    @Test
    void policyChangeWhenOnNodeAThenAppliesOnNodeBWithinBound() throws Exception {
        IssuedToken t = a.tokens().create(Actor.user("alice"), NewToken.builder("x", AccessLevel.READ).build());
        assertThat(allowed(b, t)).isTrue();
        a.policy().update(Actor.user("admin"), Map.of("globalAllowedCidrs", "192.0.2.0/24"));
        long took = millisUntil(() -> !allowed(b, t));
        assertThat(took).isLessThanOrEqualTo(BOUND.toMillis());
        assertThat(b.policy().current().globalAllowedCidrs()).containsExactly("192.0.2.0/24");
    }

    @Test
    void storeOutageWhenOnNodeBThenStopsAcceptingCachedTokensWithinBoundAndRecovers() throws Exception {
        IssuedToken t = a.tokens().create(Actor.user("alice"), NewToken.builder("x", AccessLevel.READ).build());
        assertThat(allowed(b, t)).isTrue();
        viewOfB.down.set(true);
        long took = millisUntil(() -> !allowed(b, t));
        assertThat(took).isLessThanOrEqualTo(BOUND.toMillis() + 50);
        Decision d = b.authenticator().authenticate(Credential.bearer(t.secret().reveal()), RequestFacts.of("GET", "/x", "10.1.2.3"));
        assertThat(((Decision.Refused) d).reason()).isEqualTo(RefusalReason.STORE_UNAVAILABLE);
        // a revocation made while B was cut off must hold once B is back
        IssuedToken other = a.tokens().create(Actor.user("alice"), NewToken.builder("y", AccessLevel.READ).build());
        viewOfB.down.set(false);
        millisUntil(() -> allowed(b, t));
        assertThat(allowed(b, other)).isTrue();
        a.tokens().revoke(Actor.user("alice"), other.record().id(), "");
        millisUntil(() -> !allowed(b, other));
    }

    @Test
    void broadcastWhenHostRelaysThenOtherNodeInvalidatesImmediately() {
        Latchkey[] peer = new Latchkey[1];
        Latchkey sender = Latchkey.builder().store(shared).directory(directory).auditSink(new RecordingAuditSink())
                .initialPolicy(Fixture.policy())
                .cluster(new ClusterOptions(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofHours(1)))
                .changeBroadcaster(new ChangeBroadcaster() {
                    @Override
                    public void tokenChanged(String digest) {
                        peer[0].onClusterTokenChange(digest);
                    }

                    @Override
                    public void policyChanged() {
                        peer[0].onClusterPolicyChange();
                    }
                }).build();
        Latchkey receiver = Latchkey.builder().store(shared).directory(directory).auditSink(new RecordingAuditSink())
                .initialPolicy(Fixture.policy())
                .cluster(new ClusterOptions(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofHours(1))).build();
        peer[0] = receiver;
        try (sender; receiver) {
            IssuedToken t = sender.tokens().create(Actor.user("alice"), NewToken.builder("x", AccessLevel.READ).build());
            assertThat(allowed(receiver, t)).isTrue();
            sender.tokens().revoke(Actor.user("alice"), t.record().id(), "");
            // the 10 s poll has not run; only the broadcast can explain this
            assertThat(allowed(receiver, t)).isFalse();
            sender.policy().update(Actor.user("admin"), Map.of("maxTokensPerUser", "7"));
            assertThat(receiver.policy().current().maxTokensPerUser().getAsInt()).isEqualTo(7);
        }
    }
}
