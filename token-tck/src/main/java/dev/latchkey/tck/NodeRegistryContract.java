package dev.latchkey.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.NodeRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract tests for the optional {@link NodeRegistry} capability of a store. Extend this class and implement
 * {@link #createRegistry()}; every test gets a fresh, empty registry. Instants are whole milliseconds.
 */
public abstract class NodeRegistryContract {
    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    private NodeRegistry registry;

    /**
     * Creates the registry under test. Called once before every test.
     *
     * @return a new registry holding no node
     */
    protected abstract NodeRegistry createRegistry();

    /**
     * Gives a subclass's own tests the registry the current test runs against.
     *
     * @return the registry {@link #createRegistry()} made for the current test
     */
    protected final NodeRegistry registry() {
        return registry;
    }

    @BeforeEach
    final void createFreshRegistry() {
        registry = createRegistry();
    }

    @Test
    @DisplayName("liveNodes: exactly the nodes whose last heartbeat is at or after 'since'")
    void liveNodesWhenSeveralBeatsThenOnlyRecentOnes() {
        registry.heartbeat("node-a", T);
        registry.heartbeat("node-b", T.plusSeconds(10));
        registry.heartbeat("node-c", T.plusSeconds(20));
        assertThat(registry.liveNodes(T.plusSeconds(10))).isEqualTo(Map.of("node-b", T.plusSeconds(10), "node-c", T.plusSeconds(20)));
        assertThat(registry.liveNodes(T)).containsOnlyKeys("node-a", "node-b", "node-c");
        assertThat(registry.liveNodes(T.plusSeconds(21))).isEmpty();
    }

    @Test
    @DisplayName("heartbeat: one entry per node, the latest beat wins, never moves backwards")
    void heartbeatWhenRepeatedOrOlderThenLatestKept() {
        registry.heartbeat("node-a", T);
        registry.heartbeat("node-a", T.plusSeconds(5));
        registry.heartbeat("node-a", T.plusSeconds(1)); // a late, older beat
        assertThat(registry.liveNodes(T.minusSeconds(1))).isEqualTo(Map.of("node-a", T.plusSeconds(5)));
    }

    @Test
    @DisplayName("leave: removes the node; leaving twice or an unknown node is not an error")
    void leaveWhenCalledThenNodeGoneAndIdempotent() {
        registry.heartbeat("node-a", T);
        registry.heartbeat("node-b", T);
        registry.leave("node-a");
        registry.leave("node-a");
        registry.leave("never-seen");
        assertThat(registry.liveNodes(T)).containsOnlyKeys("node-b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "node a", "node'; DROP TABLE x; --", "nöde", "a\nb",
            "x12345678901234567890123456789012345678901234567890123456789012345"})
    @DisplayName("heartbeat: a node id outside the rules is refused, naming nodeId")
    void heartbeatWhenHostileNodeIdThenRefused(String id) {
        assertThatThrownBy(() -> registry.heartbeat(id, T)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeId");
        assertThat(registry.liveNodes(T.minusSeconds(1))).isEmpty();
    }

    @Test
    @DisplayName("heartbeat: the longest and oddest valid ids round-trip exactly")
    void heartbeatWhenEdgeIdsThenRoundTrip() {
        String longest = "a".repeat(63) + "Z";
        registry.heartbeat(longest, T);
        registry.heartbeat("h.example:8080_x-1", T);
        assertThat(registry.liveNodes(T)).containsOnlyKeys(longest, "h.example:8080_x-1");
    }

    @Test
    @DisplayName("heartbeat: 8 threads beating 8 nodes at once lose nothing and keep each node's latest beat")
    void heartbeatWhenConcurrentThenLatestPerNode() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 20; i++) {
                        // every thread beats every node, in a different order, with increasing instants
                        registry.heartbeat("node-" + ((i + thread) % 8), T.plusMillis(i * 10L + thread));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Instant> live = registry.liveNodes(T);
        assertThat(live).hasSize(8);
        for (int n = 0; n < 8; n++) {
            // the latest beat of node n: the largest i*10+thread with (i+thread)%8 == n
            long best = -1;
            for (int thread = 0; thread < 8; thread++) {
                for (int i = 0; i < 20; i++) {
                    if ((i + thread) % 8 == n) {
                        best = Math.max(best, i * 10L + thread);
                    }
                }
            }
            assertThat(live.get("node-" + n)).as("node-" + n).isEqualTo(T.plusMillis(best));
        }
    }
}
