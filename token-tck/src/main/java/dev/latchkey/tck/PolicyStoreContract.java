package dev.latchkey.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.StoredPolicy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Contract tests for the optional {@link PolicyStore} capability of a store. Extend this class and implement
 * {@link #createStore()}; every test gets a fresh store with no policy. When the store is also a
 * {@link ChangeFeed}, a refused save is checked to append no change event.
 *
 * <pre>{@code
 * class MyPolicyStoreTest extends PolicyStoreContract {
 *     @Override
 *     protected PolicyStore createStore() {
 *         return new MyTokenStore(freshEmptyDatabase());
 *     }
 * }
 * }</pre>
 */
public abstract class PolicyStoreContract {

    private PolicyStore store;

    /**
     * A new store with no policy. Called once before every test.
     *
     * @return the store
     */
    protected abstract PolicyStore createStore();

    /**
     * Whether the store may be called from many threads at once (the contract requires it; return {@code false}
     * only for a deliberately single-threaded store, and the race test is skipped).
     *
     * @return true (the default) when the store is thread-safe
     */
    protected boolean supportsConcurrentWriters() {
        return true;
    }

    /**
     * How many threads race in the concurrency test.
     *
     * @return the thread count (default 8)
     */
    protected int concurrentThreads() {
        return 8;
    }

    /**
     * The store under test.
     *
     * @return the store {@code createStore()} made for the current test
     */
    protected final PolicyStore store() {
        return store;
    }

    @BeforeEach
    final void createFreshStore() {
        store = createStore();
        assertThat(store).as("createStore() must return a store").isNotNull();
    }

    private void assumeConcurrentWriters() {
        Assumptions.assumeTrue(supportsConcurrentWriters(),
                "supportsConcurrentWriters() is false: this store is declared single-threaded");
    }

    private long feedSequence() {
        return store instanceof ChangeFeed f ? f.latestChangeSequence() : 0;
    }


    @Test
    @DisplayName("PolicyStore.loadPolicy: empty when none was saved")
    void loadPolicyWhenNeverSavedThenEmpty() {
        assertThat(store.loadPolicy()).isEmpty();
    }

    @Test
    @DisplayName("PolicyStore.savePolicy: saves if the stored version is expectedVersion (0 when none is stored yet)")
    void savePolicyWhenFirstSaveAtVersionZeroThenStoredWithVersionOne() {
        Map<String, String> settings = Map.of("maxLifetimeDays", "90", "ipAllowlist", "10.0.0.0/8,2001:db8::/32");

        StoredPolicy saved = store.savePolicy(settings, 0);

        assertThat(saved).isEqualTo(new StoredPolicy(settings, 1));
        assertThat(store.loadPolicy()).contains(saved);
    }

    @Test
    @DisplayName("PolicyStore.savePolicy: @return the stored policy with its new version; settings are replaced, not merged")
    void savePolicyWhenVersionMatchesThenReplacesSettingsAndIncrementsVersion() {
        store.savePolicy(Map.of("a", "1", "b", "2"), 0);

        StoredPolicy second = store.savePolicy(Map.of("b", "3", "c", ""), 1);
        StoredPolicy third = store.savePolicy(Map.of(), 2);

        assertThat(second).isEqualTo(new StoredPolicy(Map.of("b", "3", "c", ""), 2));
        assertThat(third).isEqualTo(new StoredPolicy(Map.of(), 3));
        assertThat(store.loadPolicy()).contains(third);
    }

    @Test
    @DisplayName("PolicyStore.savePolicy: @throws ConcurrentUpdateException if somebody saved in between")
    void savePolicyWhenVersionIsStaleThenConcurrentUpdateExceptionAndPolicyUnchanged() {
        StoredPolicy first = store.savePolicy(Map.of("a", "1"), 0);
        long seq = feedSequence();

        assertThatThrownBy(() -> store.savePolicy(Map.of("a", "2"), 0)).isInstanceOf(ConcurrentUpdateException.class);
        assertThatThrownBy(() -> store.savePolicy(Map.of("a", "3"), 5)).isInstanceOf(ConcurrentUpdateException.class);

        assertThat(store.loadPolicy()).contains(first);
        assertThat(feedSequence()).as("a refused save appends no change event").isEqualTo(seq);
    }

    @Test
    @DisplayName("PolicyStore.savePolicy: @throws ConcurrentUpdateException when expecting a stored version but none is stored")
    void savePolicyWhenNoneStoredAndVersionNotZeroThenConcurrentUpdateException() {
        assertThatThrownBy(() -> store.savePolicy(Map.of("a", "1"), 1)).isInstanceOf(ConcurrentUpdateException.class);

        assertThat(store.loadPolicy()).isEmpty();
    }

    @Test
    @DisplayName("PolicyStore.savePolicy / loadPolicy: settings round trip exactly (unicode, separators, long values)")
    void savePolicyWhenSettingsHaveSpecialCharactersThenTheyRoundTrip() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("key=with=equals", "value=with=equals");
        settings.put("multi\nline", "line1\nline2\r\nline3");
        settings.put("unicode.🔑", "Zoë 中文 e\u0301");
        settings.put("backslash\\", "\\n is not a newline");
        settings.put("empty", "");
        settings.put("quotes", "'; DROP TABLE x; --\"");
        settings.put("long", "x".repeat(10_000));

        StoredPolicy saved = store.savePolicy(settings, 0);

        assertThat(store.loadPolicy()).contains(saved);
        assertThat(store.loadPolicy().orElseThrow().settings()).isEqualTo(settings);
    }

    @Test
    @DisplayName("PolicyStore: thread-safe — concurrent policy saves at the same version: exactly one wins")
    void savePolicyWhenThreadsRaceAtSameVersionThenExactlyOneWins() throws Exception {
        assumeConcurrentWriters();
        store.savePolicy(Map.of("v", "start"), 0);

        List<Boolean> won = Races.run(concurrentThreads(), t -> {
            try {
                store.savePolicy(Map.of("v", "thread " + t), 1);
                return true;
            } catch (ConcurrentUpdateException e) {
                return false;
            }
        });

        assertThat(won).filteredOn(Boolean::booleanValue).hasSize(1);
        assertThat(store.loadPolicy().orElseThrow().version()).isEqualTo(2);
    }
}
