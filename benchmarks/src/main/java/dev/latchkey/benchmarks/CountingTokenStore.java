package dev.latchkey.benchmarks;

import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.StoredPolicy;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link TokenStore} that counts digest lookups and forwards everything to another store, so a benchmark's
 * setup check can prove what it measures: a hot path that never reaches the store, garbage refused with no
 * store call, a cold path that misses the cache every time. The count is a {@link LongAdder}: a few
 * nanoseconds, uncontended across threads.
 */
public final class CountingTokenStore implements TokenStore, PolicyStore, ChangeFeed {
    private final TokenStore delegate;
    private final LongAdder digestLookups = new LongAdder();

    public CountingTokenStore(TokenStore delegate) {
        this.delegate = delegate;
    }

    /** How many times {@link #findByDigest} was called. */
    public long digestLookups() {
        return digestLookups.sum();
    }

    public TokenStore delegate() {
        return delegate;
    }

    @Override
    public Optional<TokenRecord> findByDigest(String digest) {
        digestLookups.increment();
        return delegate.findByDigest(digest);
    }

    @Override
    public void insert(TokenRecord record, InsertConditions conditions) {
        delegate.insert(record, conditions);
    }

    @Override
    public TokenRecord rotate(TokenRecord revokedPredecessor, long expectedVersion, TokenRecord successor,
                              InsertConditions conditions) {
        return delegate.rotate(revokedPredecessor, expectedVersion, successor, conditions);
    }

    @Override
    public Optional<TokenRecord> findById(String id) {
        return delegate.findById(id);
    }

    @Override
    public TokenRecord update(TokenRecord updated, long expectedVersion) {
        return delegate.update(updated, expectedVersion);
    }

    @Override
    public Page<TokenRecord> query(TokenQuery query) {
        return delegate.query(query);
    }

    @Override
    public long countActive(String owner, Instant asOf) {
        return delegate.countActive(owner, asOf);
    }

    @Override
    public void recordLastUse(Collection<LastUse> uses) {
        delegate.recordLastUse(uses);
    }

    @Override
    public int purge(Instant before) {
        return delegate.purge(before);
    }

    @Override
    public Optional<StoredPolicy> loadPolicy() {
        return ((PolicyStore) delegate).loadPolicy();
    }

    @Override
    public StoredPolicy savePolicy(Map<String, String> settings, long expectedVersion) {
        return ((PolicyStore) delegate).savePolicy(settings, expectedVersion);
    }

    @Override
    public List<ChangeEvent> changesSince(long afterSequence, int limit) {
        return ((ChangeFeed) delegate).changesSince(afterSequence, limit);
    }

    @Override
    public long latestChangeSequence() {
        return ((ChangeFeed) delegate).latestChangeSequence();
    }

    @Override
    public int pruneChanges(Instant before) {
        return ((ChangeFeed) delegate).pruneChanges(before);
    }

    @Override
    public String toString() {
        return "Counting[" + delegate + "]";
    }
}
