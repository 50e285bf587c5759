package dev.latchkey.core;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.NodeRegistry;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.TokenStore;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Latchkey.Builder#build()} asks of the store's optional capabilities: the core {@link TokenStore} is
 * enough for a node alone with its store; a node that follows other nodes' changes also needs the store's
 * {@link ChangeFeed} and {@link PolicyStore}, and is refused with a message naming what is missing and why.
 */
final class StoreCapabilities {
    private StoreCapabilities() {
    }

    /**
     * Whether several processes may share the store, so that by default a node follows the others' changes: it
     * offers a change feed or a node registry. The in-memory store offers both for tests but lives in one process.
     */
    static boolean shareable(TokenStore store) {
        return (store instanceof ChangeFeed || store instanceof NodeRegistry) && !(store instanceof InMemoryTokenStore);
    }

    /** Whether a node declared single-node may still have to follow the feed: its store can tell it is not alone. */
    static boolean watchesNodes(TokenStore store) {
        return store instanceof NodeRegistry && !(store instanceof InMemoryTokenStore);
    }

    /**
     * Fails unless {@code store} is a {@link ChangeFeed} and a {@link PolicyStore}.
     *
     * @param why    why this node follows other nodes' changes
     * @param remedy what the host can do instead of implementing the capabilities
     * @throws IllegalStateException naming the missing capabilities, why they are needed and what to do
     */
    static void requireFollowable(TokenStore store, String why, String remedy) {
        List<String> missing = new ArrayList<>();
        List<String> consequences = new ArrayList<>();
        if (!(store instanceof ChangeFeed)) {
            missing.add("ChangeFeed");
            consequences.add("without the change feed a token revoked on another node would stay accepted here");
        }
        if (!(store instanceof PolicyStore)) {
            missing.add("PolicyStore");
            consequences.add("without the policy store a policy change would never reach the other nodes");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the token store " + store.getClass().getName() + " is not a "
                    + String.join(" nor a ", missing) + ", which this node needs because " + why + "; "
                    + String.join("; ", consequences) + ". Implement " + String.join(" and ", missing)
                    + " (dev.latchkey.spi) in the store, or " + remedy);
        }
    }
}
