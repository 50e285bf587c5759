package dev.latchkey.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Optional store capability: keeps the token policy, so it survives a restart and every node sharing the store
 * applies the same one. A {@link TokenStore} that several nodes share implements it (the JDBC store does, and the
 * in-memory store for tests); checked by {@code token-tck}'s {@code PolicyStoreContract}.
 *
 * <p>A store without it still works for an engine that is the only one using it: the engine then keeps the policy
 * in memory (starting from its initial policy at every start) and says so once at start. An engine that follows
 * other nodes' changes refuses a store without it, because a policy change made on one node would never reach the
 * others.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe; failures of the backing storage surface as {@link StoreUnavailableException}.</li>
 *   <li>{@link #savePolicy} is a compare-and-set on the version, atomic against every other save: of N callers
 *       saving at one version exactly one succeeds.</li>
 *   <li>Settings are returned exactly as saved (unicode and separators included); a save replaces them, it does
 *       not merge.</li>
 *   <li>A store that is also a {@link ChangeFeed} appends a {@link ChangeEvent.Type#POLICY} event atomically with
 *       every successful save, and none for a refused one.</li>
 * </ul>
 *
 * @since 0.1
 */
public interface PolicyStore {

    /**
     * The stored policy, if one was saved.
     *
     * @return the policy, or empty
     * @throws StoreUnavailableException if the storage failed
     */
    Optional<StoredPolicy> loadPolicy();

    /**
     * Saves the policy if the stored version is {@code expectedVersion} (0 when none is stored yet).
     *
     * @param settings        the complete settings to store
     * @param expectedVersion the stored version as the caller read it
     * @return the stored policy with its new version
     * @throws ConcurrentUpdateException if somebody saved in between
     * @throws StoreUnavailableException if the storage failed
     */
    StoredPolicy savePolicy(Map<String, String> settings, long expectedVersion);
}
