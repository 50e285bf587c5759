package dev.latchkey.spi;

import java.time.Instant;
import java.util.List;

/**
 * Optional store capability: an ordered record of every change that affects authentication, which the nodes
 * sharing the store follow to drop what they cached. A {@link TokenStore} that several nodes share implements it
 * (the JDBC store does, and the in-memory store for tests); checked by {@code token-tck}'s
 * {@code ChangeFeedContract}.
 *
 * <p>An engine follows the feed when a cluster is configured, and by default on any store that offers it (the
 * in-memory store excepted) unless the host declares the engine the only node. Such an engine also needs the
 * store to be a {@link PolicyStore}, and refuses to build otherwise, naming the missing capability. A store meant
 * for one node only leaves this interface out.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe; failures of the backing storage surface as {@link StoreUnavailableException}.</li>
 *   <li>{@link TokenStore#insert}, {@link TokenStore#update} and {@link TokenStore#rotate} of a token, and
 *       {@link PolicyStore#savePolicy} when the store is a {@link PolicyStore}, append a {@link ChangeEvent}
 *       atomically with each record they change, with a sequence higher than every earlier one. A refused write
 *       (duplicate, stale version, limit) appends nothing; so does {@link TokenStore#recordLastUse}.</li>
 *   <li>A reader never misses an event: once a sequence is returned, no event with a lower one appears later
 *       (concurrent writers must not commit out of order past a reader).</li>
 * </ul>
 *
 * @since 0.1
 */
public interface ChangeFeed {

    /**
     * Change events with a sequence greater than {@code afterSequence}, oldest first, at most {@code limit}.
     * Must be one cheap indexed query.
     *
     * @param afterSequence the last sequence the caller has seen (0 for the start)
     * @param limit         the most events to return
     * @return the events, oldest first
     * @throws StoreUnavailableException if the storage failed
     */
    List<ChangeEvent> changesSince(long afterSequence, int limit);

    /**
     * The highest sequence in the feed.
     *
     * @return that sequence, or 0 when the feed is empty
     * @throws StoreUnavailableException if the storage failed
     */
    long latestChangeSequence();

    /**
     * Removes change events written before {@code before}, keeping at least the latest one so that
     * {@link #latestChangeSequence()} never moves backwards.
     *
     * @param before the cut-off instant
     * @return how many were removed
     */
    int pruneChanges(Instant before);
}
