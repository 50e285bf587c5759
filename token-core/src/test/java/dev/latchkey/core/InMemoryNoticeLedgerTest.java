package dev.latchkey.core;

import dev.latchkey.core.memory.InMemoryNoticeLedger;
import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.spi.NoticeLedger;
import dev.latchkey.tck.NoticeLedgerContract;

/** The in-memory store's notice ledger meets the TCK contract. */
class InMemoryNoticeLedgerTest extends NoticeLedgerContract {
    private InMemoryTokenStore store;

    @Override
    protected NoticeLedger createLedger() {
        store = new InMemoryTokenStore();
        return store;
    }

    @Override
    protected NoticeLedger reopenLedger() {
        return store; // one JVM: the same store is every "node"
    }
}
