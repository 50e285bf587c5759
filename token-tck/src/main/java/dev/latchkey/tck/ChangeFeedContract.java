package dev.latchkey.tck;

import static dev.latchkey.tck.TokenFixture.days;
import static dev.latchkey.tck.TokenFixture.hours;
import static dev.latchkey.tck.TokenFixture.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.Revocation;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Contract tests for the optional {@link ChangeFeed} capability of a store: the feed is fed by the store's own
 * writes, so the store under test is a {@link TokenStore} and a {@link ChangeFeed} (and, for the policy events, a
 * {@link PolicyStore}; without one those checks are skipped and say why). Extend this class and implement
 * {@link #createStore()}; every test gets a fresh, empty store.
 *
 * <pre>{@code
 * class MyChangeFeedTest extends ChangeFeedContract<MyTokenStore> {
 *     @Override
 *     protected MyTokenStore createStore() {
 *         return new MyTokenStore(freshEmptyDatabase());
 *     }
 * }
 * }</pre>
 *
 * @param <S> the store's type: a token store with a change feed
 */
public abstract class ChangeFeedContract<S extends TokenStore & ChangeFeed> {

    private S store;

    /**
     * A new, empty store: no tokens, no policy, an empty change feed. Called once before every test.
     *
     * @return the store
     */
    protected abstract S createStore();

    /**
     * The store under test.
     *
     * @return the store {@code createStore()} made for the current test
     */
    protected final S store() {
        return store;
    }

    @BeforeEach
    final void createFreshStore() {
        store = createStore();
        assertThat(store).as("createStore() must return a store").isNotNull();
    }

    private PolicyStore assumePolicyStore() {
        Assumptions.assumeTrue(store instanceof PolicyStore, "the store is not a PolicyStore: no policy events to check");
        return (PolicyStore) store;
    }

    @Test
    @DisplayName("ChangeFeed: insert appends a change event atomically with the change (a refused insert appends none)")
    void insertWhenDuplicateThenNoChangeEventIsAppended() {
        store.insert(token("dup-x").build());
        long before = store.latestChangeSequence();

        catchThrowable(() -> store.insert(token("dup-x").digest(TokenFixture.digestOf("y")).build()));

        assertThat(store.latestChangeSequence()).isEqualTo(before);
        assertThat(store.changesSince(before, 10)).isEmpty();
    }


    /** Every event in the feed, read in batches from the start. */
    static List<ChangeEvent> allChanges(ChangeFeed feed) {
        List<ChangeEvent> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<ChangeEvent> batch = feed.changesSince(after, 100);
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            after = batch.get(batch.size() - 1).sequence();
        }
    }

    static void assertStrictlyIncreasing(List<ChangeEvent> events) {
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).sequence()).as("sequence of event " + i).isGreaterThan(events.get(i - 1).sequence());
        }
    }

    @Test
    @DisplayName("ChangeFeed.latestChangeSequence: 0 when the feed is empty")
    void latestChangeSequenceWhenFeedIsEmptyThenZero() {
        assertThat(store.latestChangeSequence()).isZero();
        assertThat(store.changesSince(0, 10)).isEmpty();
    }

    @Test
    @DisplayName("ChangeFeed: insert, update and savePolicy each append a ChangeEvent with a sequence higher than every earlier one")
    void changesSinceWhenInsertUpdateAndSavePolicyThenOneEventEachInOrder() {
        TokenRecord a = token("feed-a").build();
        TokenRecord b = token("feed-b").build();

        PolicyStore policies = assumePolicyStore();
        store.insert(a);
        store.update(a.withName("renamed"), 0);
        policies.savePolicy(Map.of("k", "v"), 0);
        store.insert(b);
        store.update(b.withRevocation(new Revocation(days(1), "admin", "")), 0);

        List<ChangeEvent> events = store.changesSince(0, 100);
        assertThat(events).hasSize(5);
        assertStrictlyIncreasing(events);
        assertThat(events.get(0).sequence()).isPositive();
        assertThat(events).extracting(ChangeEvent::type).containsExactly(ChangeEvent.Type.TOKEN, ChangeEvent.Type.TOKEN,
                ChangeEvent.Type.POLICY, ChangeEvent.Type.TOKEN, ChangeEvent.Type.TOKEN);
        assertThat(events).extracting(e -> e.tokenId().orElse(null)).containsExactly("feed-a", "feed-a", null, "feed-b", "feed-b");
        assertThat(events).extracting(e -> e.digest().orElse(null))
                .containsExactly(a.digest(), a.digest(), null, b.digest(), b.digest());
        assertThat(store.latestChangeSequence()).isEqualTo(events.get(4).sequence());
    }

    @Test
    @DisplayName("ChangeFeed.changesSince: greater than afterSequence, oldest first, at most limit")
    void changesSinceWhenLimitIsSmallerThanFeedThenOldestFirstUpToLimit() {
        for (int i = 0; i < 5; i++) {
            store.insert(token("lim-" + i).build());
        }
        List<ChangeEvent> all = store.changesSince(0, 100);

        List<ChangeEvent> firstTwo = store.changesSince(0, 2);
        List<ChangeEvent> nextTwo = store.changesSince(firstTwo.get(1).sequence(), 2);
        List<ChangeEvent> rest = store.changesSince(nextTwo.get(1).sequence(), 2);

        assertThat(firstTwo).containsExactly(all.get(0), all.get(1));
        assertThat(nextTwo).containsExactly(all.get(2), all.get(3));
        assertThat(rest).containsExactly(all.get(4));
        assertThat(store.changesSince(all.get(4).sequence(), 10)).isEmpty();
        assertThat(store.changesSince(all.get(2).sequence() - 1, 1)).containsExactly(all.get(2));
        assertThat(store.changesSince(Long.MAX_VALUE - 1, 10)).isEmpty();
    }

    @Test
    @DisplayName("ChangeFeed.pruneChanges: removes events written before `before`, keeping at least the latest one")
    void pruneChangesWhenEverythingIsOlderThenKeepsTheLatestEvent() {
        for (int i = 0; i < 4; i++) {
            store.insert(token("pr-" + i).build());
        }
        List<ChangeEvent> all = store.changesSince(0, 100);
        ChangeEvent latest = all.get(all.size() - 1);
        Instant afterAll = all.stream().map(ChangeEvent::at).max(Instant::compareTo).orElseThrow().plusMillis(1);

        int removed = store.pruneChanges(afterAll);

        assertThat(removed).isEqualTo(3);
        assertThat(store.changesSince(0, 100)).containsExactly(latest);
        assertThat(store.latestChangeSequence()).isEqualTo(latest.sequence());
        assertThat(store.pruneChanges(afterAll)).isZero();
        assertThat(store.latestChangeSequence()).isEqualTo(latest.sequence());
    }

    @Test
    @DisplayName("ChangeFeed.pruneChanges: events at or after `before` stay")
    void pruneChangesWhenBeforeIsTheEarliestEventTimeThenNothingRemoved() {
        for (int i = 0; i < 3; i++) {
            store.insert(token("pk-" + i).build());
        }
        List<ChangeEvent> all = store.changesSince(0, 100);
        Instant earliest = all.stream().map(ChangeEvent::at).min(Instant::compareTo).orElseThrow();

        assertThat(store.pruneChanges(earliest)).isZero();
        assertThat(store.changesSince(0, 100)).isEqualTo(all);
    }

    @Test
    @DisplayName("ChangeFeed: a sequence higher than every earlier one — also after pruning")
    void changesSinceWhenPrunedThenNewEventsStillGetHigherSequences() {
        store.insert(token("seq-1").build());
        store.insert(token("seq-2").build());
        List<ChangeEvent> before = store.changesSince(0, 100);
        Instant afterAll = before.stream().map(ChangeEvent::at).max(Instant::compareTo).orElseThrow().plusMillis(1);
        store.pruneChanges(afterAll);
        long latest = store.latestChangeSequence();

        store.insert(token("seq-3").build());

        assertThat(store.latestChangeSequence()).isGreaterThan(latest);
        assertThat(store.changesSince(latest, 10)).singleElement()
                .satisfies(e -> assertThat(e.tokenId()).contains("seq-3"));
        Set<Long> sequences = new HashSet<>();
        before.forEach(e -> sequences.add(e.sequence()));
        assertThat(sequences).doesNotContain(store.latestChangeSequence());
    }

    @Test
    @DisplayName("ChangeFeed: recordLastUse appends no change event; refused updates and policy saves append none")
    void changesSinceWhenOnlyUsageRecordedThenFeedUnchanged() {
        store.insert(token("quiet").expiresAt(days(1)).build());
        long seq = store.latestChangeSequence();

        store.recordLastUse(List.of(new LastUse("quiet", hours(1), "192.0.2.1")));
        catchThrowable(() -> store.update(token("quiet").build(), 42));
        if (store instanceof PolicyStore policies) {
            catchThrowable(() -> policies.savePolicy(Map.of(), 9));
        }

        assertThat(store.changesSince(seq, 10)).isEmpty();
        assertThat(store.changesSince(0, 10)).hasSize(1);
    }
}
