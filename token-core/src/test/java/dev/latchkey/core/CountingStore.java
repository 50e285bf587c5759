package dev.latchkey.core;

import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.StoredPolicy;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a store, counts token lookups, and can be switched to fail like an unreachable database. */
public final class CountingStore implements TokenStore, PolicyStore, ChangeFeed {
    private final TokenStore delegate;
    public final AtomicInteger lookups = new AtomicInteger();
    public final AtomicBoolean down = new AtomicBoolean();

    public CountingStore(TokenStore delegate) {
        this.delegate = delegate;
    }

    private void check() {
        if (down.get()) {
            throw new StoreUnavailableException("test store is down");
        }
    }

    @Override public void insert(TokenRecord r, InsertConditions c) { check(); delegate.insert(r, c); }
    @Override public TokenRecord rotate(TokenRecord old, long v, TokenRecord next, InsertConditions c) { check(); return delegate.rotate(old, v, next, c); }
    @Override public Optional<TokenRecord> findByDigest(String d) { lookups.incrementAndGet(); check(); return delegate.findByDigest(d); }
    @Override public Optional<TokenRecord> findById(String id) { lookups.incrementAndGet(); check(); return delegate.findById(id); }
    @Override public TokenRecord update(TokenRecord u, long v) { check(); return delegate.update(u, v); }
    @Override public Page<TokenRecord> query(TokenQuery q) { check(); return delegate.query(q); }
    @Override public long countActive(String owner, Instant asOf) { check(); return delegate.countActive(owner, asOf); }
    @Override public void recordLastUse(Collection<LastUse> uses) { check(); delegate.recordLastUse(uses); }
    @Override public int purge(Instant before) { check(); return delegate.purge(before); }
    @Override public Optional<StoredPolicy> loadPolicy() { check(); return ((PolicyStore) delegate).loadPolicy(); }
    @Override public StoredPolicy savePolicy(Map<String, String> s, long v) { check(); return ((PolicyStore) delegate).savePolicy(s, v); }
    @Override public List<ChangeEvent> changesSince(long after, int limit) { check(); return ((ChangeFeed) delegate).changesSince(after, limit); }
    @Override public long latestChangeSequence() { check(); return ((ChangeFeed) delegate).latestChangeSequence(); }
    @Override public int pruneChanges(Instant before) { check(); return ((ChangeFeed) delegate).pruneChanges(before); }
}
