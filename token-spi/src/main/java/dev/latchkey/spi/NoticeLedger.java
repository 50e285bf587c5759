package dev.latchkey.spi;

import java.time.Instant;

/**
 * An optional store capability: a record of which notices were sent, so each is sent once across every node
 * sharing the store and across restarts. Implemented by the in-memory store and {@code token-jdbc}; checked by
 * {@code token-tck}'s {@code NoticeLedgerContract}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #claim} is atomic: of N callers (threads or nodes) claiming one {@code (tokenId, noticeKey)},
 *       exactly one gets {@code true}, ever (a unique key, an insert that fails on conflict; never a read
 *       followed by an unguarded write).</li>
 *   <li>Claims survive restarts as long as the store keeps data.</li>
 *   <li>Storage failures surface as {@link StoreUnavailableException}: the caller then sends nothing.</li>
 * </ul>
 *
 * @since 0.1
 */
public interface NoticeLedger {
    /**
     * Claims the right to send notice {@code noticeKey} (e.g. {@code expiring-60d@1767225600000}) about
     * {@code tokenId}.
     *
     * @param tokenId   the token the notice is about
     * @param noticeKey which notice, unique per token (the kind and what it refers to)
     * @param at        when the claim is made, kept as the claim's time
     * @return true if this caller won and must send it; false if it was claimed before
     * @throws IllegalArgumentException  if {@code tokenId} or {@code noticeKey} is blank or longer than 128
     * @throws StoreUnavailableException if the storage failed
     */
    boolean claim(String tokenId, String noticeKey, Instant at);
}
