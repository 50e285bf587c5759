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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A thread-safe {@link TokenStore} in memory: the embedded default and the store for tests. Lookups by
 * digest and id are hash lookups; token-manager queries scan (fine for the sizes an in-memory store holds).
 * Nothing survives a restart. Every write (and the limit checks of {@link InsertConditions}) happens under one
 * small lock that only writers take, so limits hold under concurrency while readers never block.
 *
 * @since 0.1
 */
public final class InMemoryTokenStore implements TokenStore, PolicyStore, ChangeFeed, NodeRegistry, NoticeLedger {
    private final ConcurrentHashMap<String, TokenRecord> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> idByDigest = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, ChangeEvent> changes = new ConcurrentSkipListMap<>();
    private final Object writeLock = new Object();
    private final Clock clock;
    private StoredPolicy policy;
    private long sequence;

    /** A store that timestamps change events with the system clock. */
    public InMemoryTokenStore() {
        this(Clock.systemUTC());
    }

    /** A store that timestamps change events with {@code clock}. */
    public InMemoryTokenStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void insert(TokenRecord record, InsertConditions conditions) {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(conditions, "conditions");
        requireNew(record, conditions);
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
        requireNew(successor, conditions);
        synchronized (writeLock) {
            TokenRecord current = byId.get(revokedPredecessor.id());
            if (current != null && current.revocation().isPresent()) {
                throw new ConcurrentUpdateException("token " + current.id() + " is already revoked (rotated or revoked"
                        + " by somebody else first)");
            }
            checkVersion(revokedPredecessor, current, expectedVersion);
            checkUnique(successor);
            // the limit is judged with the predecessor revoked, as it will be once both writes are visible
            checkConditions(successor, conditions, current.id());
            TokenRecord stored = replaceKeepingLastUse(revokedPredecessor, expectedVersion + 1);
            appendTokenChange(stored);
            put(successor);
            return stored;
        }
    }

    private static void requireNew(TokenRecord record, InsertConditions conditions) {
        if (record.version() != 0) {
            throw new IllegalArgumentException("a new record must have version 0, was " + record.version());
        }
        if (conditions.uniqueActiveServiceName() && record.kind() != TokenKind.SERVICE) {
            throw new IllegalArgumentException("uniqueActiveServiceName applies to service records only, "
                    + record.id() + " is " + record.kind());
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
        appendTokenChange(record);
    }

    private static void checkVersion(TokenRecord updated, TokenRecord current, long expectedVersion) {
        if (current == null) {
            throw new ConcurrentUpdateException("token " + updated.id() + " does not exist");
        }
        if (current.version() != expectedVersion) {
            throw new ConcurrentUpdateException("token " + updated.id() + " is at version " + current.version()
                    + ", not " + expectedVersion + "; re-read it and try again");
        }
        if (!current.digest().equals(updated.digest())) {
            throw new IllegalArgumentException("the digest of a token cannot change through an update");
        }
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
            checkVersion(updated, current, expectedVersion);
            TokenRecord stored = replaceKeepingLastUse(updated, expectedVersion + 1);
            appendTokenChange(stored);
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

    private void appendTokenChange(TokenRecord r) {
        long seq = ++sequence;
        changes.put(seq, new ChangeEvent(seq, ChangeEvent.Type.TOKEN, Optional.of(r.id()), Optional.of(r.digest()),
                clock.instant()));
    }

    @Override
    public Page<TokenRecord> query(TokenQuery q) {
        Objects.requireNonNull(q, "query");
        List<TokenRecord> matching = byId.values().stream().filter(r -> matches(r, q)).sorted(order(q)).toList();
        long from = Math.min(q.offset(), matching.size());
        long to = Math.min(from + q.size(), matching.size());
        return new Page<>(matching.subList((int) from, (int) to), q.page(), q.size(), matching.size());
    }

    private static boolean matches(TokenRecord r, TokenQuery q) {
        if (q.owner().isPresent() && !r.owner().equals(q.owner().get())) {
            return false;
        }
        if (q.nameContains().isPresent()
                && !r.name().toLowerCase(Locale.ROOT).contains(q.nameContains().get().toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (q.kind().isPresent() && r.kind() != q.kind().get()) {
            return false;
        }
        if (q.state().isPresent() && r.state(q.asOf()) != q.state().get()) {
            return false;
        }
        if (q.createdAfter().isPresent() && r.createdAt().isBefore(q.createdAfter().get())) {
            return false;
        }
        if (q.createdBefore().isPresent() && !r.createdAt().isBefore(q.createdBefore().get())) {
            return false;
        }
        if (q.expiresBefore().isPresent()
                && (r.expiresAt().isEmpty() || !r.expiresAt().get().isBefore(q.expiresBefore().get()))) {
            return false;
        }
        if (q.lastUsedBefore().isPresent()
                && (r.lastUse().isEmpty() || !r.lastUse().get().at().isBefore(q.lastUsedBefore().get()))) {
            return false;
        }
        return !q.neverUsed() || r.lastUse().isEmpty();
    }

    private static Comparator<TokenRecord> order(TokenQuery q) {
        Comparator<TokenRecord> primary = switch (q.sort()) {
            case CREATED_AT -> nullsLast(r -> Optional.of(r.createdAt()), q.descending());
            case EXPIRES_AT -> nullsLast(TokenRecord::expiresAt, q.descending());
            case LAST_USED_AT -> nullsLast(r -> r.lastUse().map(LastUse::at), q.descending());
            case NAME -> nullsLast(r -> Optional.of(r.name()), q.descending());
            case OWNER -> nullsLast(r -> Optional.of(r.owner()), q.descending());
        };
        return primary.thenComparing(TokenRecord::id);
    }

    private static <T extends Comparable<? super T>> Comparator<TokenRecord> nullsLast(
            Function<TokenRecord, Optional<T>> key, boolean descending) {
        Comparator<T> natural = Comparator.naturalOrder();
        Comparator<T> dir = descending ? natural.reversed() : natural;
        return (a, b) -> {
            Optional<T> x = key.apply(a);
            Optional<T> y = key.apply(b);
            if (x.isEmpty() || y.isEmpty()) {
                return Boolean.compare(x.isEmpty(), y.isEmpty());
            }
            return dir.compare(x.get(), y.get());
        };
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
            long seq = ++sequence;
            changes.put(seq, new ChangeEvent(seq, ChangeEvent.Type.POLICY, Optional.empty(), Optional.empty(),
                    clock.instant()));
            return policy;
        }
    }

    @Override
    public List<ChangeEvent> changesSince(long afterSequence, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        ConcurrentNavigableMap<Long, ChangeEvent> tail = changes.tailMap(afterSequence, false);
        try (Stream<ChangeEvent> s = tail.values().stream()) {
            return s.limit(limit).toList();
        }
    }

    @Override
    public long latestChangeSequence() {
        Map.Entry<Long, ChangeEvent> last = changes.lastEntry();
        return last == null ? 0 : last.getKey();
    }

    @Override
    public int pruneChanges(Instant before) {
        int removed = 0;
        synchronized (writeLock) {
            Long last = changes.isEmpty() ? null : changes.lastKey();
            for (ChangeEvent e : new ArrayList<>(changes.values())) {
                if (e.at().isBefore(before) && !Long.valueOf(e.sequence()).equals(last)) {
                    changes.remove(e.sequence());
                    removed++;
                }
            }
        }
        return removed;
    }

    private final ConcurrentHashMap<String, Instant> nodes = new ConcurrentHashMap<>();

    @Override
    public void heartbeat(String nodeId, Instant at) {
        NodeRegistry.checkNodeId(nodeId);
        Objects.requireNonNull(at, "at");
        nodes.merge(nodeId, at, (old, now) -> now.isAfter(old) ? now : old);
    }

    @Override
    public Map<String, Instant> liveNodes(Instant since) {
        Objects.requireNonNull(since, "since");
        Map<String, Instant> live = new HashMap<>();
        nodes.forEach((n, at) -> {
            if (!at.isBefore(since)) {
                live.put(n, at);
            }
        });
        return Map.copyOf(live);
    }

    @Override
    public void leave(String nodeId) {
        nodes.remove(NodeRegistry.checkNodeId(nodeId));
    }

    @Override
    public String toString() {
        return "InMemoryTokenStore[" + byId.size() + " tokens]";
    }

    // ------------------------------------------------------------------ notice ledger (issue 14)

    private final InMemoryNoticeLedger notices = new InMemoryNoticeLedger();

    @Override
    public boolean claim(String tokenId, String noticeKey, Instant at) {
        return notices.claim(tokenId, noticeKey, at);
    }
}
