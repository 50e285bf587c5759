package dev.latchkey.core;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.NodeRegistry;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A shared store as a database looks to one node (so the engine follows its feed by default), whose reads can be
 * made to hang like a database that accepts connections and never answers: all of them until {@link #answer()},
 * or only the next change-feed poll, forever.
 */
final class HangingStore implements TokenStore, PolicyStore, ChangeFeed, NodeRegistry {
    private final InMemoryTokenStore delegate;
    final AtomicBoolean hanging = new AtomicBoolean();
    final AtomicBoolean freezeNextPoll = new AtomicBoolean();
    final AtomicInteger blockedNow = new AtomicInteger();
    private volatile CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch never = new CountDownLatch(1);

    HangingStore(InMemoryTokenStore delegate) {
        this.delegate = delegate;
    }

    void hang() {
        release = new CountDownLatch(1);
        hanging.set(true);
    }

    void answer() {
        hanging.set(false);
        release.countDown();
    }

    private void maybeHang() {
        if (hanging.get()) {
            block(release);
        }
    }

    private void block(CountDownLatch latch) {
        blockedNow.incrementAndGet();
        try {
            // not interruptible, like a socket read without a time-out
            boolean interrupted = false;
            while (true) {
                try {
                    latch.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            blockedNow.decrementAndGet();
        }
    }

    @Override public void insert(TokenRecord r, InsertConditions c) { delegate.insert(r, c); }
    @Override public TokenRecord rotate(TokenRecord old, long v, TokenRecord next, InsertConditions c) { return delegate.rotate(old, v, next, c); }
    @Override public Optional<TokenRecord> findByDigest(String d) { maybeHang(); return delegate.findByDigest(d); }
    @Override public Optional<TokenRecord> findById(String id) { return delegate.findById(id); }
    @Override public TokenRecord update(TokenRecord u, long v) { return delegate.update(u, v); }
    @Override public Page<TokenRecord> query(TokenQuery q) { return delegate.query(q); }
    @Override public long countActive(String owner, Instant asOf) { return delegate.countActive(owner, asOf); }
    @Override public void recordLastUse(Collection<LastUse> uses) { maybeHang(); delegate.recordLastUse(uses); }
    @Override public int purge(Instant before) { return delegate.purge(before); }
    @Override public Optional<StoredPolicy> loadPolicy() { maybeHang(); return delegate.loadPolicy(); }
    @Override public StoredPolicy savePolicy(Map<String, String> s, long v) { return delegate.savePolicy(s, v); }

    @Override
    public List<ChangeEvent> changesSince(long after, int limit) {
        if (freezeNextPoll.compareAndSet(true, false)) {
            block(never);
        }
        maybeHang();
        return delegate.changesSince(after, limit);
    }

    @Override public long latestChangeSequence() { return delegate.latestChangeSequence(); }
    @Override public int pruneChanges(Instant before) { return delegate.pruneChanges(before); }
    @Override public void heartbeat(String nodeId, Instant at) { maybeHang(); delegate.heartbeat(nodeId, at); }
    @Override public Map<String, Instant> liveNodes(Instant since) { maybeHang(); return delegate.liveNodes(since); }
    @Override public void leave(String nodeId) { delegate.leave(nodeId); }
}
