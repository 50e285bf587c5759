package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.NodeRegistry;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenStore;
import dev.latchkey.tck.TokenStoreContract;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The store contract in layers (issue 16): a store for one node implements only the core {@link TokenStore}, passes
 * the core kit and runs an engine, which keeps the policy in memory; an engine that would follow other nodes'
 * changes refuses a store without the {@link ChangeFeed} and {@link PolicyStore} capabilities, saying which one is
 * missing and why.
 */
class LayeredStoreContractTest {
    private final InMemoryUserDirectory directory = new InMemoryUserDirectory().add("alice", "developers")
            .add("admin", "admins");
    private final List<Latchkey> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(Latchkey::close);
    }

    private Latchkey engine(TokenStore store, Consumer<Latchkey.Builder> options) {
        Latchkey.Builder b = Latchkey.builder().store(store).directory(directory).auditSink(e -> { })
                .initialPolicy(Fixture.policy());
        options.accept(b);
        Latchkey lk = b.build();
        engines.add(lk);
        return lk;
    }

    private static Decision auth(Latchkey lk, IssuedToken t) {
        return lk.authenticator().authenticate(Credential.bearer(t.secret().reveal()), RequestFacts.of("GET", "/x", "10.1.2.3"));
    }

    /** The core kit passes on a store that is nothing but a {@link TokenStore}. */
    @Nested
    class CoreKitOnCoreOnlyStore extends TokenStoreContract {
        @Override
        protected TokenStore createStore() {
            return new CoreOnlyStore();
        }
    }

    @Test
    void buildWhenStoreImplementsOnlyTheCoreThenSingleNodeEngineWorksAndKeepsThePolicyInMemory() {
        CoreOnlyStore store = new CoreOnlyStore();
        assertThat(store).isNotInstanceOf(PolicyStore.class).isNotInstanceOf(ChangeFeed.class)
                .isNotInstanceOf(NodeRegistry.class);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Latchkey lk;
        try {
            lk = engine(store, b -> { });
        } finally {
            System.setErr(old);
        }
        assertThat(err.toString(StandardCharsets.UTF_8))
                .containsOnlyOnce("the token store keeps no policy (it is not a PolicyStore)");
        assertThat(lk.clusterState().mode()).isEqualTo(ClusterState.Mode.SINGLE_NODE);

        IssuedToken t = lk.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build());
        assertThat(auth(lk, t).isAllowed()).isTrue();
        assertThat(store.records.findById(t.record().id())).isPresent();
        lk.tokens().revoke(Actor.user("alice"), t.record().id(), "done");
        assertThat(auth(lk, t).isAllowed()).isFalse();

        // the policy service works on the in-memory policy, with its version check, on this node only
        lk.policy().update(Actor.user("admin"), Map.of("maxLifetime", "P400D"));
        assertThat(lk.policy().current().maxLifetime()).contains(java.time.Duration.ofDays(400));
        lk.policy().update(Actor.user("admin"), Map.of("maxLifetime", "P300D"));
        assertThat(lk.policy().current().maxLifetime()).contains(java.time.Duration.ofDays(300));
        Latchkey restarted = engine(store, b -> { });
        assertThat(restarted.policy().current()).isEqualTo(Fixture.policy());
    }

    @Test
    void buildWhenCoreOnlyStoreAndClusterConfiguredThenRefusedNamingBothCapabilitiesAndWhy() {
        assertThatThrownBy(() -> engine(new CoreOnlyStore(), b -> b.cluster(ClusterOptions.defaults())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a ChangeFeed nor a PolicyStore")
                .hasMessageContaining("cluster(...) was set")
                .hasMessageContaining("a token revoked on another node would stay accepted here")
                .hasMessageContaining("a policy change would never reach the other nodes")
                .hasMessageContaining("remove cluster(...)");
    }

    @Test
    void buildWhenStoreHasAFeedButNoPolicyStoreAndNothingDeclaredThenRefusedNamingThePolicyStore() {
        FeedOnlyStore store = new FeedOnlyStore();
        assertThatThrownBy(() -> engine(store, b -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a PolicyStore,")
                .hasMessageNotContaining("not a ChangeFeed")
                .hasMessageContaining("by default it follows the other nodes' changes")
                .hasMessageContaining("declare singleNode()");
        // declared alone, the same store is accepted: nothing follows the feed, the policy stays in memory
        Latchkey lk = engine(store, Latchkey.Builder::singleNode);
        assertThat(lk.clusterState().mode()).isEqualTo(ClusterState.Mode.SINGLE_NODE);
    }

    @Test
    void buildWhenSingleNodeDeclaredOverANodeRegistryWithoutFeedThenRefused() {
        assertThatThrownBy(() -> engine(new RegistryOnlyStore(), Latchkey.Builder::singleNode))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a ChangeFeed nor a PolicyStore")
                .hasMessageContaining("keeps a node registry");
    }

    @Test
    void buildWhenStoreOffersEveryCapabilityThenSafeDefaultStillFollowsTheFeed() {
        Latchkey lk = engine(new CountingStore(new InMemoryTokenStore()), b -> { });
        assertThat(lk.clusterState().mode()).isEqualTo(ClusterState.Mode.FOLLOWING);
        Latchkey alone = engine(new CountingStore(new InMemoryTokenStore()), Latchkey.Builder::singleNode);
        assertThat(alone.clusterState().mode()).isEqualTo(ClusterState.Mode.SINGLE_NODE);
    }

    /** A store for one node: the in-memory store's records behind the core interface only. */
    static class CoreOnlyStore implements TokenStore {
        final InMemoryTokenStore records = new InMemoryTokenStore();

        @Override
        public void insert(TokenRecord record, InsertConditions conditions) {
            records.insert(record, conditions);
        }

        @Override
        public TokenRecord rotate(TokenRecord revokedPredecessor, long expectedVersion, TokenRecord successor,
                                  InsertConditions conditions) {
            return records.rotate(revokedPredecessor, expectedVersion, successor, conditions);
        }

        @Override
        public Optional<TokenRecord> findByDigest(String digest) {
            return records.findByDigest(digest);
        }

        @Override
        public Optional<TokenRecord> findById(String id) {
            return records.findById(id);
        }

        @Override
        public TokenRecord update(TokenRecord updated, long expectedVersion) {
            return records.update(updated, expectedVersion);
        }

        @Override
        public Page<TokenRecord> query(TokenQuery query) {
            return records.query(query);
        }

        @Override
        public long countActive(String owner, Instant asOf) {
            return records.countActive(owner, asOf);
        }

        @Override
        public void recordLastUse(Collection<LastUse> uses) {
            records.recordLastUse(uses);
        }

        @Override
        public int purge(Instant before) {
            return records.purge(before);
        }
    }

    /** Offers the change feed but keeps no policy. */
    static final class FeedOnlyStore extends CoreOnlyStore implements ChangeFeed {
        @Override
        public List<ChangeEvent> changesSince(long afterSequence, int limit) {
            return records.changesSince(afterSequence, limit);
        }

        @Override
        public long latestChangeSequence() {
            return records.latestChangeSequence();
        }

        @Override
        public int pruneChanges(Instant before) {
            return records.pruneChanges(before);
        }
    }

    /** Keeps a node registry but neither the feed nor the policy. */
    static final class RegistryOnlyStore extends CoreOnlyStore implements NodeRegistry {
        @Override
        public void heartbeat(String nodeId, Instant at) {
            records.heartbeat(nodeId, at);
        }

        @Override
        public Map<String, Instant> liveNodes(Instant since) {
            return records.liveNodes(since);
        }

        @Override
        public void leave(String nodeId) {
            records.leave(nodeId);
        }
    }
}
