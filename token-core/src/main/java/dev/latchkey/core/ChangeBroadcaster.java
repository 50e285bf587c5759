package dev.latchkey.core;

/**
 * Optional host hook for immediate cluster-wide invalidation. When a change is made on this node, the engine
 * calls the broadcaster; the host sends it over its own cluster messaging, and each receiving node calls
 * {@link Latchkey#onClusterTokenChange(String)} or {@link Latchkey#onClusterPolicyChange()}. The change-feed
 * poll remains the safety net, so a lost message only costs time up to the staleness bound.
 *
 * <p>Implementations must be thread-safe and must not block for long; a failure is logged and ignored.
 *
 * @since 0.1
 */
public interface ChangeBroadcaster {
    /**
     * A token with this digest (not secret) changed here.
     *
     * @param digest the changed token's digest (the store key, not the secret), for the other nodes' {@link
     *               Latchkey#onClusterTokenChange}
     */
    void tokenChanged(String digest);

    /** The policy changed here. */
    void policyChanged();
}
