package dev.latchkey.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenStore;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A store for a single node implements only the core {@link TokenStore} and passes the core kit: the kit asks
 * nothing of the policy store or the change feed it leaves out.
 */
class CoreOnlyStoreTest extends TokenStoreContract {

    @Override
    protected TokenStore createStore() {
        return new CoreOnly(new ReferenceTokenStore());
    }

    @Test
    void createStoreWhenCoreOnlyThenNoCapabilityIsOffered() {
        assertThat(store()).isNotInstanceOf(PolicyStore.class).isNotInstanceOf(ChangeFeed.class);
    }

    /** The reference store's records behind the core interface only. */
    private record CoreOnly(TokenStore records) implements TokenStore {
        @Override
        public void insert(TokenRecord record, InsertConditions conditions) {
            records.insert(record, conditions);
        }

        @Override
        public TokenRecord rotate(TokenRecord revokedPredecessor, long expectedVersion, TokenRecord successor,
                                  InsertConditions conditions) {
            return records.rotate(revokedPredecessor, expectedVersion, successor, conditions);
        }

        @Override
        public Optional<TokenRecord> findByDigest(String digest) {
            return records.findByDigest(digest);
        }

        @Override
        public Optional<TokenRecord> findById(String id) {
            return records.findById(id);
        }

        @Override
        public TokenRecord update(TokenRecord updated, long expectedVersion) {
            return records.update(updated, expectedVersion);
        }

        @Override
        public Page<TokenRecord> query(TokenQuery query) {
            return records.query(query);
        }

        @Override
        public long countActive(String owner, Instant asOf) {
            return records.countActive(owner, asOf);
        }

        @Override
        public void recordLastUse(Collection<LastUse> uses) {
            records.recordLastUse(uses);
        }

        @Override
        public int purge(Instant before) {
            return records.purge(before);
        }
    }
}
