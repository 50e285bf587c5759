package dev.latchkey.tck;

import dev.latchkey.spi.TokenStore;

/** Shows how an optional capability is declared: the concurrency tests are reported as skipped. */
class SingleThreadedReferenceStoreTest extends TokenStoreContract {
    @Override
    protected TokenStore createStore() {
        return new ReferenceTokenStore();
    }

    @Override
    protected boolean supportsConcurrentWriters() {
        return false;
    }
}
