package dev.latchkey.core.memory;

import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.DuplicateTokenException;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.LimitExceededException;
import dev.latchkey.spi.NodeRegistry;
import dev.latchkey.spi.NoticeLedger;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.StoredPolicy;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenState;
import dev.latchkey.spi.TokenStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe {@link TokenStore} in memory: the embedded default and the store for tests. Lookups by
 * digest and id are hash lookups; token-manager queries scan (fine for the sizes an in-memory store holds).
 * Nothing survives a restart. Every write (and the limit checks of {@link InsertConditions}) happens under one
 * small lock that only writers take, so limits hold under concurrency while readers never block. It offers every
 * optional capability (policy store, change feed, node registry, notice ledger) so tests can exercise them; the
 * engine still treats it as a single-node store, since it lives in one process.
 *
 * @since 0.1
 */
public final class InMemoryTokenStore implements TokenStore, PolicyStore, ChangeFeed, NodeRegistry, NoticeLedger {
    private final ConcurrentHashMap<String, TokenRecord> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> idByDigest = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();
    private final MemoryChangeFeed feed;
    private StoredPolicy policy;

    /** A store that timestamps change events with the system clock. */
    public InMemoryTokenStore() {
        this(Clock.systemUTC());
    }

    /**
     * A store that timestamps change events with {@code clock}.
     *
     * @param clock the clock that timestamps change events
     * @throws NullPointerException if {@code clock} is null
     */
    public InMemoryTokenStore(Clock clock) {
        this.feed = new MemoryChangeFeed(Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public void insert(TokenRecord record, InsertConditions conditions) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(conditions, "conditions");
        MemoryChecks.requireNew(record, conditions);
        synchronized (writeLock) {
            checkUnique(record);
            checkConditions(record, conditions, null);
            put(record);
        }
    }

    @Override
    public TokenRecord rotate(TokenRecord revokedPredecessor, long expectedVersion, TokenRecord successor,
                              InsertConditions conditions) {
        Objects.requireNonNull(revokedPredecessor, "revokedPredecessor");
        Objects.requireNonNull(successor, "successor");
        Objects.requireNonNull(conditions, "conditions");
        if (revokedPredecessor.revocation().isEmpty()) {
            throw new IllegalArgumentException("the predecessor of a rotation must carry its revocation");
        }
        MemoryChecks.requireNew(successor, conditions);
        synchronized (writeLock) {
            TokenRecord current = byId.get(revokedPredecessor.id());
            if (current != null && current.revocation().isPresent()) {
                throw new ConcurrentUpdateException("token " + current.id() + " is already revoked (rotated or revoked"
                        + " by somebody else first)");
            }
            MemoryChecks.checkVersion(revokedPredecessor, current, expectedVersion);
            checkUnique(successor);
            // the limit is judged with the predecessor revoked, as it will be once both writes are visible
            checkConditions(successor, conditions, current.id());
            TokenRecord stored = replaceKeepingLastUse(revokedPredecessor, expectedVersion + 1);
            feed.appendToken(stored);
            put(successor);
            return stored;
        }
    }

    private void checkUnique(TokenRecord record) {
        if (byId.containsKey(record.id())) {
            throw new DuplicateTokenException("a token with id " + record.id() + " exists");
        }
        if (idByDigest.containsKey(record.digest())) {
            throw new DuplicateTokenException("a token with the same digest exists");
        }
    }

    /** Called under the write lock, so nothing changes between this check and the write that follows. */
    private void checkConditions(TokenRecord record, InsertConditions c, String revokedId) {
        if (c.isEmpty()) {
            return;
        }
        List<TokenRecord> activeOfOwner = byId.values().stream()
                .filter(r -> r.owner().equals(record.owner()) && !r.id().equals(revokedId)
                        && r.state(c.asOf()) == TokenState.ACTIVE)
                .toList();
        if (c.uniqueActiveServiceName() && activeOfOwner.stream().anyMatch(r -> r.kind() == TokenKind.SERVICE)) {
            throw new LimitExceededException(LimitExceededException.Limit.ACTIVE_SERVICE_NAME,
                    "an active service token named " + record.owner() + " exists");
        }
        if (c.maxActivePerOwner().isPresent()) {
            long active = activeOfOwner.size();
            if (active >= c.maxActivePerOwner().getAsInt()) {
                throw new LimitExceededException(LimitExceededException.Limit.ACTIVE_TOKENS_PER_OWNER,
                        record.owner() + " already has " + active + " active tokens; the limit is "
                                + c.maxActivePerOwner().getAsInt());
            }
        }
    }

    private void put(TokenRecord record) {
        idByDigest.put(record.digest(), record.id());
        byId.put(record.id(), record);
        feed.appendToken(record);
    }

    @Override
    public Optional<TokenRecord> findByDigest(String digest) {
        String id = idByDigest.get(Objects.requireNonNull(digest, "digest"));
        return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
    }

    @Override
    public Optional<TokenRecord> findById(String id) {
        return Optional.ofNullable(byId.get(Objects.requireNonNull(id, "id")));
    }

    @Override
    public TokenRecord update(TokenRecord updated, long expectedVersion) {
        Objects.requireNonNull(updated, "updated");
        synchronized (writeLock) {
            TokenRecord current = byId.get(updated.id());
            MemoryChecks.checkVersion(updated, current, expectedVersion);
            TokenRecord stored = replaceKeepingLastUse(updated, expectedVersion + 1);
            feed.appendToken(stored);
            return stored;
        }
    }

    /**
     * Stores {@code next} with the stored last use, read and replaced in one atomic step of the map: a use recorded
     * at the same moment ({@link #recordLastUse} takes no write lock) is never overwritten by an older one.
     */
    private TokenRecord replaceKeepingLastUse(TokenRecord next, long version) {
        return byId.compute(next.id(), (id, stored) -> next.withLastUse(stored.lastUse()).withVersion(version));
    }

    @Override
    public Page<TokenRecord> query(TokenQuery q) {
        Objects.requireNonNull(q, "query");
        List<TokenRecord> matching = byId.values().stream().filter(r -> MemoryQueries.matches(r, q))
                .sorted(MemoryQueries.order(q)).toList();
        long from = Math.min(q.offset(), matching.size());
        long to = Math.min(from + q.size(), matching.size());
        return new Page<>(matching.subList((int) from, (int) to), q.page(), q.size(), matching.size());
    }

    @Override
    public long countActive(String owner, Instant asOf) {
        return byId.values().stream().filter(r -> r.owner().equals(owner))
                .filter(r -> r.state(asOf) == TokenState.ACTIVE).count();
    }

    @Override
    public void recordLastUse(Collection<LastUse> uses) {
        Map<String, LastUse> latest = new HashMap<>();
        for (LastUse u : uses) {
            latest.merge(u.tokenId(), u, (a, b) -> b.at().isAfter(a.at()) ? b : a);
        }
        for (LastUse u : latest.values()) {
            byId.computeIfPresent(u.tokenId(), (id, r) -> r.lastUse().isPresent()
                    && !r.lastUse().get().at().isBefore(u.at()) ? r : r.withLastUse(Optional.of(u)));
        }
    }

    @Override
    public int purge(Instant before) {
        int removed = 0;
        synchronized (writeLock) {
            for (TokenRecord r : new ArrayList<>(byId.values())) {
                boolean revokedBefore = r.revocation().isPresent() && r.revocation().get().at().isBefore(before);
                boolean expiredBefore = r.revocation().isEmpty() && r.expiresAt().isPresent()
                        && r.expiresAt().get().isBefore(before);
                if (revokedBefore || expiredBefore) {
                    byId.remove(r.id());
                    idByDigest.remove(r.digest());
                    removed++;
                }
            }
        }
        return removed;
    }

    @Override
    public Optional<StoredPolicy> loadPolicy() {
        synchronized (writeLock) {
            return Optional.ofNullable(policy);
        }
    }

    @Override
    public StoredPolicy savePolicy(Map<String, String> settings, long expectedVersion) {
        synchronized (writeLock) {
            long current = policy == null ? 0 : policy.version();
            if (current != expectedVersion) {
                throw new ConcurrentUpdateException("the policy is at version " + current + ", not " + expectedVersion
                        + "; re-read it and try again");
            }
            policy = new StoredPolicy(settings, current + 1);
            feed.appendPolicy();
            return policy;
        }
    }

    @Override
    public List<ChangeEvent> changesSince(long afterSequence, int limit) {
        return feed.since(afterSequence, limit);
    }

    @Override
    public long latestChangeSequence() {
        return feed.latest();
    }

    @Override
    public int pruneChanges(Instant before) {
        synchronized (writeLock) {
            return feed.prune(before);
        }
    }

    @Override
    public void heartbeat(String nodeId, Instant at) {
        nodes.heartbeat(nodeId, at);
    }

    @Override
    public Map<String, Instant> liveNodes(Instant since) {
        return nodes.liveNodes(since);
    }

    @Override
    public void leave(String nodeId) {
        nodes.leave(nodeId);
    }

    @Override
    public String toString() {
        return "InMemoryTokenStore[" + byId.size() + " tokens]";
    }

    // ------------------------------------------------------------------ notice ledger (issue 14)

    private final InMemoryNoticeLedger notices = new InMemoryNoticeLedger();
    private final MemoryNodeRegistry nodes = new MemoryNodeRegistry();

    @Override
    public boolean claim(String tokenId, String noticeKey, Instant at) {
        return notices.claim(tokenId, noticeKey, at);
    }
}
