package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Actor;
import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.ClusterState;
import dev.latchkey.core.Credential;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.Policy;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.spi.AccessLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 on real PostgreSQL (skipped without it): two engines on one database that nobody configured for a
 * cluster honour each other's revocations and policy changes within the default bound; two that were both
 * declared single-node find each other through the node registry and follow the feed anyway.
 */
class PgSafeDefaultTest {
    private static final long BOUND_MS = ClusterOptions.defaults().stalenessBound().toMillis();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final InMemoryUserDirectory directory = new InMemoryUserDirectory().add("alice", "developers").add("admin", "admins");

    @AfterEach
    void clean() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private Latchkey node(TestDatabase db, String prefix, Consumer<Latchkey.Builder> options) {
        JdbcTokenStore store = JdbcTokenStore.builder(db.dataSource).dialect(db.dialect).tablePrefix(prefix).build();
        Latchkey.Builder b = Latchkey.builder().store(store).directory(directory).auditSink(e -> { }).noFailedAttemptLimit()
                .initialPolicy(Policy.defaults().with(Map.of("useTokens", "developers", "levelGrants", "developers=WRITE",
                        "administerPolicy", "admins")));
        options.accept(b);
        Latchkey lk = b.build();
        cleanup.add(lk::close);
        return lk;
    }

    private static boolean allowed(Latchkey node, IssuedToken t) {
        return node.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                RequestFacts.of("GET", "/x", "10.1.2.3")).isAllowed();
    }

    private static long millisUntil(BooleanSupplier condition, long limitMs) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(limitMs)) {
                throw new AssertionError("condition not met within " + limitMs + " ms");
            }
            Thread.sleep(5);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void revokeWhenNeitherNodeConfiguredForAClusterThenRefusedOnTheOtherWithinTheDefaultBound() throws Exception {
        TestDatabase db = TestDatabase.postgres();
        String prefix = db.freshSchema();
        cleanup.add(() -> db.drop(prefix));
        Latchkey a = node(db, prefix, b -> { });
        Latchkey b = node(db, prefix, o -> { });
        assertThat(b.clusterState().mode()).isEqualTo(ClusterState.Mode.FOLLOWING);
        IssuedToken t = a.tokens().create(Actor.user("alice"), NewToken.builder("t", AccessLevel.READ).build());
        assertThat(allowed(b, t)).isTrue();
        a.tokens().revoke(Actor.user("alice"), t.record().id(), "test");
        long ms = millisUntil(() -> !allowed(b, t), BOUND_MS + 500);
        System.out.println("[latchkey-test] revocation reached the unconfigured node B in " + ms + " ms");
        assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
        // and a policy change reaches B within the bound
        IssuedToken u = a.tokens().create(Actor.user("alice"), NewToken.builder("u", AccessLevel.READ).build());
        assertThat(allowed(b, u)).isTrue();
        a.policy().update(Actor.user("admin"), Map.of("globalAllowedCidrs", "192.0.2.0/24"));
        assertThat(millisUntil(() -> !allowed(b, u), BOUND_MS + 500)).isLessThanOrEqualTo(BOUND_MS);
    }

    @Test
    void singleNodeWhenDeclaredOnBothThenSecondFindsTheFirstWithinOneHeartbeatAndRevocationsStillArrive() throws Exception {
        TestDatabase db = TestDatabase.postgres();
        String prefix = db.freshSchema();
        cleanup.add(() -> db.drop(prefix));
        Duration beat = Duration.ofMillis(500);
        Latchkey a = node(db, prefix, o -> o.singleNode().nodeName("pg-a").heartbeatInterval(beat));
        millisUntil(() -> a.clusterState().liveNodes().contains("pg-a"), 5_000);
        IssuedToken t = a.tokens().create(Actor.user("alice"), NewToken.builder("t", AccessLevel.READ).build());
        Latchkey b = node(db, prefix, o -> o.singleNode().nodeName("pg-b").heartbeatInterval(beat));
        assertThat(allowed(b, t)).isTrue();
        long ms = millisUntil(() -> b.clusterState().mode() == ClusterState.Mode.FOLLOWING_DESPITE_SINGLE_NODE, beat.toMillis() + 1_000);
        System.out.println("[latchkey-test] the second single-node engine noticed the first after " + ms + " ms");
        millisUntil(() -> a.clusterState().mode() == ClusterState.Mode.FOLLOWING_DESPITE_SINGLE_NODE, beat.toMillis() * 2 + 1_000);
        a.tokens().revoke(Actor.user("alice"), t.record().id(), "test");
        assertThat(millisUntil(() -> !allowed(b, t), BOUND_MS + 500)).isLessThanOrEqualTo(BOUND_MS);
    }
}
