package dev.latchkey.tck;

import dev.latchkey.spi.TokenStore;

/** Runs the kit against the reference store: checks the kit itself. */
class ReferenceTokenStoreTest extends TokenStoreContract {
    @Override
    protected TokenStore createStore() {
        return new ReferenceTokenStore();
    }
}
