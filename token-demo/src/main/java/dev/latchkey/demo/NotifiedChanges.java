package dev.latchkey.demo;

import dev.latchkey.core.Latchkey;
import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.TokenStore;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a cluster node of the demo does when {@link dev.latchkey.jdbc.PgChangeListener} wakes it: read the change
 * feed from where it last read and hand each change to the engine's public cluster hooks
 * ({@link Latchkey#onClusterTokenChange}, {@link Latchkey#onClusterPolicyChange}), so a revocation on another node
 * applies here milliseconds after it commits. The engine's own poll stays the guarantee (the staleness bound);
 * this only makes it faster. Runs on the listener's single thread, so the cursor needs no lock.
 */
final class NotifiedChanges implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(NotifiedChanges.class);
    private static final int BATCH = 500;

    private final TokenStore store;
    private final Latchkey latchkey;
    private long cursor;

    /** Starts after the latest change now in the store (the engine loaded everything before it). */
    NotifiedChanges(TokenStore store, Latchkey latchkey) {
        this.store = store;
        this.latchkey = latchkey;
        this.cursor = store.latestChangeSequence();
    }

    @Override
    public void run() {
        try {
            List<ChangeEvent> events;
            do {
                events = store.changesSince(cursor, BATCH);
                for (ChangeEvent e : events) {
                    switch (e.type()) {
                        case TOKEN -> e.digest().ifPresent(latchkey::onClusterTokenChange);
                        case POLICY -> latchkey.onClusterPolicyChange();
                    }
                    cursor = e.sequence();
                }
            } while (events.size() == BATCH);
        } catch (StoreUnavailableException e) {
            // the engine's poll covers it within the bound; the next notification retries from the same cursor
            LOG.debug("could not read the change feed after a notification: {}", e.getMessage());
        }
    }
}
