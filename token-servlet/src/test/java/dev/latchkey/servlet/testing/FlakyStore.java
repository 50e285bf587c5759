package dev.latchkey.servlet.testing;

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

/** A store that can be switched off: every call then throws {@link StoreUnavailableException}. */
public final class FlakyStore implements TokenStore, PolicyStore, ChangeFeed {
    private final TokenStore delegate;
    public volatile boolean down;
    public final java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();

    public FlakyStore(TokenStore delegate) {
        this.delegate = delegate;
    }

    private void check() {
        if (down) {
            throw new StoreUnavailableException("test store is down");
        }
    }

    @Override public void insert(TokenRecord r, InsertConditions c) { check(); delegate.insert(r, c); }
    @Override public TokenRecord rotate(TokenRecord old, long v, TokenRecord next, InsertConditions c) { check(); return delegate.rotate(old, v, next, c); }
    @Override public Optional<TokenRecord> findByDigest(String d) { lookups.incrementAndGet(); check(); return delegate.findByDigest(d); }
    @Override public Optional<TokenRecord> findById(String id) { check(); return delegate.findById(id); }
    @Override public TokenRecord update(TokenRecord r, long v) { check(); return delegate.update(r, v); }
    @Override public Page<TokenRecord> query(TokenQuery q) { check(); return delegate.query(q); }
    @Override public long countActive(String o, Instant a) { check(); return delegate.countActive(o, a); }
    @Override public void recordLastUse(Collection<LastUse> u) { check(); delegate.recordLastUse(u); }
    @Override public int purge(Instant b) { check(); return delegate.purge(b); }
    @Override public Optional<StoredPolicy> loadPolicy() { check(); return ((PolicyStore) delegate).loadPolicy(); }
    @Override public StoredPolicy savePolicy(Map<String, String> s, long v) { check(); return ((PolicyStore) delegate).savePolicy(s, v); }
    @Override public List<ChangeEvent> changesSince(long a, int l) { check(); return ((ChangeFeed) delegate).changesSince(a, l); }
    @Override public long latestChangeSequence() { check(); return ((ChangeFeed) delegate).latestChangeSequence(); }
    @Override public int pruneChanges(Instant b) { check(); return ((ChangeFeed) delegate).pruneChanges(b); }
}
