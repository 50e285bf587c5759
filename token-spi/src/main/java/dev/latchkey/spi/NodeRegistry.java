package dev.latchkey.spi;

import java.time.Instant;
import java.util.Map;

/**
 * Optional store capability: the nodes that share a store say there, every few seconds, that they are alive, so
 * each node knows whether it is alone. A {@link TokenStore} that can be shared between processes (a database)
 * implements it too; the engine then notices a second node even when the host declared a single node, and
 * starts following the change feed instead of serving stale caches.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe; failures of the backing storage surface as {@link StoreUnavailableException}.</li>
 *   <li>A node id is 1-64 characters from {@code [A-Za-z0-9._:-]}; anything else is an
 *       {@link IllegalArgumentException} naming {@code nodeId}.</li>
 *   <li>{@link #heartbeat} records the latest of the stored and the given instant: a heartbeat never moves
 *       backwards, and one node has one entry however often it beats.</li>
 *   <li>{@link #liveNodes} returns exactly the nodes whose last heartbeat is at or after {@code since}.</li>
 *   <li>{@link #leave} removes the node's entry; leaving twice, or a node never seen, is not an error.</li>
 * </ul>
 *
 * @since 0.1
 */
public interface NodeRegistry {

    /**
     * Records that node {@code nodeId} was alive at {@code at}; a stored heartbeat later than {@code at} is kept.
     *
     * @param nodeId the beating node's id (see {@link #checkNodeId})
     * @param at     when the node was alive
     * @throws IllegalArgumentException  if {@code nodeId} breaks the contract's rules
     * @throws StoreUnavailableException if the storage failed
     */
    void heartbeat(String nodeId, Instant at);

    /**
     * Lists the nodes that are still alive.
     *
     * @param since the oldest heartbeat that still counts as alive
     * @return every node whose last heartbeat is at or after {@code since}, mapped to that heartbeat; empty if
     *         none is
     * @throws StoreUnavailableException if the storage failed
     */
    Map<String, Instant> liveNodes(Instant since);

    /**
     * Removes the node's entry because it is shutting down; a node never seen, or one that left already, is
     * not an error.
     *
     * @param nodeId the leaving node's id
     * @throws IllegalArgumentException  if {@code nodeId} breaks the contract's rules
     * @throws StoreUnavailableException if the storage failed
     */
    void leave(String nodeId);

    /**
     * Checks a node id against the contract's rules.
     *
     * @param nodeId the id to check
     * @return {@code nodeId} itself, when it is valid
     * @throws IllegalArgumentException naming {@code nodeId} if it is null, empty, longer than 64 characters or
     *                                  holds a character outside {@code [A-Za-z0-9._:-]}
     */
    static String checkNodeId(String nodeId) {
        if (nodeId == null) {
            throw new IllegalArgumentException("nodeId must not be null");
        }
        if (nodeId.isEmpty() || nodeId.length() > 64) {
            throw new IllegalArgumentException("nodeId must be 1-64 characters, was " + nodeId.length());
        }
        for (int i = 0; i < nodeId.length(); i++) {
            char ch = nodeId.charAt(i);
            boolean ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
                    || ch == '.' || ch == '_' || ch == ':' || ch == '-';
            if (!ok) {
                throw new IllegalArgumentException("nodeId may hold only A-Z a-z 0-9 . _ : - (character " + i + " is not one)");
            }
        }
        return nodeId;
    }
}
