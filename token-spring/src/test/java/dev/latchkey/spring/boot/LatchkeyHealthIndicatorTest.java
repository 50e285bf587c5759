package dev.latchkey.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.ClusterState;
import dev.latchkey.core.LatchkeyStats;
import dev.latchkey.core.RefusalStats;
import dev.latchkey.spring.FaultyStore;
import dev.latchkey.spring.LatchkeyCounters;
import dev.latchkey.spring.LatchkeyMetricsSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The health indicator's status and details for each cluster state, and when the store fails. */
class LatchkeyHealthIndicatorTest {
    private final FaultyStore store = new FaultyStore();

    private static LatchkeyMetricsSource source(ClusterState state) {
        return new LatchkeyMetricsSource() {
            @Override
            public RefusalStats refusalStats() {
                return new RefusalStats(0, 0, 0, 0, 3, 2, 0);
            }

            @Override
            public LatchkeyCounters counters() {
                return new LatchkeyCounters();
            }

            @Override
            public LatchkeyStats stats() {
                return new LatchkeyStats(0, 0, 0, 0, Duration.ZERO);
            }

            @Override
            public ClusterState clusterState() {
                return state;
            }
        };
    }

    private Health health(ClusterState state) {
        return new LatchkeyHealthIndicator(store.store(), source(state)).health();
    }

    private static ClusterState following(boolean trusted, long lagMillis) {
        return new ClusterState("node-a", ClusterState.Mode.FOLLOWING, trusted, Duration.ofMillis(lagMillis),
                Duration.ofSeconds(2), List.of("node-a", "node-b"));
    }

    @Test
    void healthWhenSingleNodeThenUpWithItsMode() {
        Health h = health(new ClusterState("solo", ClusterState.Mode.SINGLE_NODE, true, Duration.ZERO, Duration.ZERO,
                List.of()));
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(h.getDetails()).containsEntry("mode", ClusterState.Mode.SINGLE_NODE).containsEntry("trusted", true)
                .containsEntry("node", "solo").containsEntry("lagMillis", 0L).containsEntry("auditDropped", 3L)
                .containsEntry("auditSinkFailures", 2L).doesNotContainKey("warning");
    }

    @Test
    void healthWhenFollowingWithinTheBoundThenUpWithLagAndLiveNodes() {
        Health h = health(following(true, 300));
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(h.getDetails()).containsEntry("mode", ClusterState.Mode.FOLLOWING).containsEntry("lagMillis", 300L)
                .containsEntry("boundMillis", 2000L).containsEntry("liveNodes", List.of("node-a", "node-b"))
                .doesNotContainKey("warning");
    }

    @Test
    void healthWhenLagAboveHalfTheBoundThenUpWithAWarning() {
        Health h = health(following(true, 1500));
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat((String) h.getDetails().get("warning")).contains("half the staleness bound");
    }

    @Test
    void healthWhenTrustLostThenOutOfServiceSayingWhy() {
        Health h = health(following(false, 4321));
        assertThat(h.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(h.getDetails()).containsEntry("trusted", false).containsEntry("lagMillis", 4321L);
        assertThat((String) h.getDetails().get("reason")).contains("4321 ms", "2000 ms");
    }

    @Test
    void healthWhenDeclaredSingleNodeButAnotherNodeSeenThenUpWithAWarning() {
        Health h = health(new ClusterState("node-b", ClusterState.Mode.FOLLOWING_DESPITE_SINGLE_NODE, true,
                Duration.ofMillis(100), Duration.ofSeconds(2), List.of("node-a", "node-b")));
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat((String) h.getDetails().get("warning")).contains("declared single-node", "other nodes");
    }

    @Test
    void healthWhenStoreFailsThenDownEvenWithTrustLost() {
        store.down.set(true);
        Health h = health(following(false, 9000));
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(h.getDetails()).containsEntry("storeError", "dev.latchkey.spi.StoreUnavailableException")
                .containsEntry("trusted", false);
        assertThat(h.getDetails().toString()).doesNotContain("jdbc:");
    }
}
