package dev.latchkey.core.internal.policy;

import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.StoredPolicy;
import java.util.Map;
import java.util.Optional;

/**
 * Where the policy lives when the store is not a {@link PolicyStore}: in this engine's memory, on this node only,
 * with the same compare-and-set on the version a store gives, so the policy service behaves the same.
 */
final class LocalPolicy implements PolicyStore {
    private StoredPolicy policy;

    @Override
    public synchronized Optional<StoredPolicy> loadPolicy() {
        return Optional.ofNullable(policy);
    }

    @Override
    public synchronized StoredPolicy savePolicy(Map<String, String> settings, long expectedVersion) {
        long current = policy == null ? 0 : policy.version();
        if (current != expectedVersion) {
            throw new ConcurrentUpdateException("the policy is at version " + current + ", not " + expectedVersion);
        }
        policy = new StoredPolicy(settings, current + 1);
        return policy;
    }
}
