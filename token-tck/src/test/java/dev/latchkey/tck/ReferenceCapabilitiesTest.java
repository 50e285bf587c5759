package dev.latchkey.tck;

import dev.latchkey.spi.PolicyStore;
import org.junit.jupiter.api.Nested;

/** Runs the capability kits against the reference store: checks the kits themselves. */
class ReferenceCapabilitiesTest {

    @Nested
    class Policy extends PolicyStoreContract {
        @Override
        protected PolicyStore createStore() {
            return new ReferenceTokenStore();
        }
    }

    @Nested
    class Feed extends ChangeFeedContract<ReferenceTokenStore> {
        @Override
        protected ReferenceTokenStore createStore() {
            return new ReferenceTokenStore();
        }
    }
}
