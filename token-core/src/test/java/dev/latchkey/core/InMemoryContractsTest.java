package dev.latchkey.core;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.TokenStore;
import dev.latchkey.spi.UserDirectory;
import dev.latchkey.spi.NodeRegistry;
import dev.latchkey.tck.ChangeFeedContract;
import dev.latchkey.tck.NodeRegistryContract;
import dev.latchkey.tck.PolicyStoreContract;
import dev.latchkey.tck.TokenStoreContract;
import dev.latchkey.tck.UserDirectoryContract;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;

/** The shipped in-memory implementations pass the same contract kit integrators run. */
class InMemoryContractsTest {

    @Nested
    class InMemoryTokenStoreContract extends TokenStoreContract {
        @Override
        protected TokenStore createStore() {
            return new InMemoryTokenStore();
        }
    }

    @Nested
    class InMemoryPolicyStoreContract extends PolicyStoreContract {
        @Override
        protected PolicyStore createStore() {
            return new InMemoryTokenStore();
        }
    }

    @Nested
    class InMemoryChangeFeedContract extends ChangeFeedContract<InMemoryTokenStore> {
        @Override
        protected InMemoryTokenStore createStore() {
            return new InMemoryTokenStore();
        }
    }

    @Nested
    class InMemoryNodeRegistryContract extends NodeRegistryContract {
        @Override
        protected NodeRegistry createRegistry() {
            return new InMemoryTokenStore();
        }
    }

    @Nested
    class InMemoryUserDirectoryContract extends UserDirectoryContract {
        private final Map<String, DirectoryUser> users = Map.of(
                "alice", new DirectoryUser("alice", "Alice", "alice@example.com", true, Set.of("developers")),
                "dave", new DirectoryUser("dave", "Dave", "", false, Set.of("developers", "ops")),
                "zoë", new DirectoryUser("zoë", "Zoë 🔑", "zoe@example.com", true, Set.of()));

        @Override
        protected UserDirectory createDirectory() {
            InMemoryUserDirectory d = new InMemoryUserDirectory();
            users.values().forEach(d::put);
            return d;
        }

        @Override
        protected Map<String, DirectoryUser> expectedUsers() {
            return users;
        }
    }
}
