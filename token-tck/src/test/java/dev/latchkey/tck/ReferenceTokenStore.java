package dev.latchkey.tck;

import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.DuplicateTokenException;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.LimitExceededException;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenState;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.StoredPolicy;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenStore;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The simplest correct store (one lock around maps), with the policy store and the change feed, used only to check
 * that the kits' expectations match the written contract independently of any database.
 */
final class ReferenceTokenStore implements TokenStore, PolicyStore, ChangeFeed {
    private final Map<String, TokenRecord> byId = new LinkedHashMap<>();
    private final List<ChangeEvent> changes = new ArrayList<>();
    private long sequence;
    private StoredPolicy policy;

    @Override
    public synchronized void insert(TokenRecord record, InsertConditions conditions) {
        checkNew(record, conditions);
        byId.put(record.id(), record);
        change(ChangeEvent.Type.TOKEN, record);
    }

    @Override
    public synchronized TokenRecord rotate(TokenRecord revoked, long expectedVersion, TokenRecord successor,
                                           InsertConditions conditions) {
        if (revoked.revocation().isEmpty()) {
            throw new IllegalArgumentException("no revocation");
        }
        TokenRecord stored = byId.get(revoked.id());
        if (stored != null && stored.revocation().isPresent()) {
            throw new ConcurrentUpdateException("already revoked " + revoked.id());
        }
        TokenRecord before = stored;
        TokenRecord next = update(revoked, expectedVersion);
        try {
            checkNew(successor, conditions);
        } catch (RuntimeException e) {
            byId.put(before.id(), before);
            changes.remove(changes.size() - 1);
            sequence--;
            throw e;
        }
        byId.put(successor.id(), successor);
        change(ChangeEvent.Type.TOKEN, successor);
        return next;
    }

    private void checkNew(TokenRecord record, InsertConditions c) {
        if (record.version() != 0) {
            throw new IllegalArgumentException("version " + record.version());
        }
        if (c.uniqueActiveServiceName() && record.kind() != TokenKind.SERVICE) {
            throw new IllegalArgumentException("not a service record");
        }
        if (byId.containsKey(record.id()) || byId.values().stream().anyMatch(r -> r.digest().equals(record.digest()))) {
            throw new DuplicateTokenException("duplicate " + record.id());
        }
        List<TokenRecord> active = byId.values().stream()
                .filter(r -> r.owner().equals(record.owner()) && r.state(c.asOf()) == TokenState.ACTIVE).toList();
        if (c.uniqueActiveServiceName() && active.stream().anyMatch(r -> r.kind() == TokenKind.SERVICE)) {
            throw new LimitExceededException(LimitExceededException.Limit.ACTIVE_SERVICE_NAME, "taken");
        }
        if (c.maxActivePerOwner().isPresent() && active.size() >= c.maxActivePerOwner().getAsInt()) {
            throw new LimitExceededException(LimitExceededException.Limit.ACTIVE_TOKENS_PER_OWNER, "full");
        }
    }

    private void change(ChangeEvent.Type type, TokenRecord r) {
        changes.add(new ChangeEvent(++sequence, type, Optional.ofNullable(r).map(TokenRecord::id),
                Optional.ofNullable(r).map(TokenRecord::digest), Instant.now().truncatedTo(ChronoUnit.MILLIS)));
    }

    @Override
    public synchronized Optional<TokenRecord> findByDigest(String digest) {
        return byId.values().stream().filter(r -> r.digest().equals(digest)).findFirst();
    }

    @Override
    public synchronized Optional<TokenRecord> findById(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized TokenRecord update(TokenRecord updated, long expectedVersion) {
        TokenRecord stored = byId.get(updated.id());
        if (stored == null || stored.version() != expectedVersion) {
            throw new ConcurrentUpdateException("stale " + updated.id());
        }
        if (!stored.digest().equals(updated.digest())) {
            throw new IllegalArgumentException("the digest cannot change");
        }
        TokenRecord next = updated.withLastUse(stored.lastUse()).withVersion(expectedVersion + 1);
        byId.put(next.id(), next);
        change(ChangeEvent.Type.TOKEN, next);
        return next;
    }

    @Override
    public synchronized Page<TokenRecord> query(TokenQuery q) {
        List<TokenRecord> matches = byId.values().stream()
                .filter(r -> q.owner().map(r.owner()::equals).orElse(true))
                .filter(r -> q.nameContains().map(t -> r.name().toLowerCase(Locale.ROOT).contains(t.toLowerCase(Locale.ROOT))).orElse(true))
                .filter(r -> q.kind().map(k -> r.kind() == k).orElse(true))
                .filter(r -> q.state().map(s -> r.state(q.asOf()) == s).orElse(true))
                .filter(r -> q.createdAfter().map(t -> !r.createdAt().isBefore(t)).orElse(true))
                .filter(r -> q.createdBefore().map(t -> r.createdAt().isBefore(t)).orElse(true))
                .filter(r -> q.expiresBefore().map(t -> r.expiresAt().map(e -> e.isBefore(t)).orElse(false)).orElse(true))
                .filter(r -> q.lastUsedBefore().map(t -> r.lastUse().map(u -> u.at().isBefore(t)).orElse(false)).orElse(true))
                .filter(r -> !q.neverUsed() || r.lastUse().isEmpty())
                .sorted(comparator(q))
                .toList();
        List<TokenRecord> items = matches.stream().skip(q.offset()).limit(q.size()).toList();
        return new Page<>(items, q.page(), q.size(), matches.size());
    }

    private static Comparator<TokenRecord> comparator(TokenQuery q) {
        Comparator<TokenRecord> key = switch (q.sort()) {
            case CREATED_AT -> nullsLast(r -> r.createdAt(), q.descending());
            case EXPIRES_AT -> nullsLast(r -> r.expiresAt().orElse(null), q.descending());
            case LAST_USED_AT -> nullsLast(r -> r.lastUse().map(LastUse::at).orElse(null), q.descending());
            case NAME -> nullsLast(TokenRecord::name, q.descending());
            case OWNER -> nullsLast(TokenRecord::owner, q.descending());
        };
        return key.thenComparing(TokenRecord::id);
    }

    private static <T extends Comparable<T>> Comparator<TokenRecord> nullsLast(Function<TokenRecord, T> f, boolean desc) {
        Comparator<T> natural = desc ? Comparator.<T>reverseOrder() : Comparator.<T>naturalOrder();
        return Comparator.comparing(f, Comparator.nullsLast(natural));
    }

    @Override
    public synchronized long countActive(String owner, Instant asOf) {
        return byId.values().stream().filter(r -> r.owner().equals(owner) && r.state(asOf) == dev.latchkey.spi.TokenState.ACTIVE).count();
    }

    @Override
    public synchronized void recordLastUse(Collection<LastUse> uses) {
        for (LastUse use : uses) {
            TokenRecord r = byId.get(use.tokenId());
            if (r != null && (r.lastUse().isEmpty() || r.lastUse().get().at().isBefore(use.at()))) {
                byId.put(r.id(), r.withLastUse(Optional.of(use)));
            }
        }
    }

    @Override
    public synchronized int purge(Instant before) {
        int n = byId.size();
        byId.values().removeIf(r -> r.revocation().map(v -> v.at().isBefore(before)).orElse(false)
                || r.expiresAt().map(e -> e.isBefore(before)).orElse(false));
        return n - byId.size();
    }

    @Override
    public synchronized Optional<StoredPolicy> loadPolicy() {
        return Optional.ofNullable(policy);
    }

    @Override
    public synchronized StoredPolicy savePolicy(Map<String, String> settings, long expectedVersion) {
        long current = policy == null ? 0 : policy.version();
        if (current != expectedVersion) {
            throw new ConcurrentUpdateException("policy version is " + current);
        }
        policy = new StoredPolicy(settings, current + 1);
        change(ChangeEvent.Type.POLICY, null);
        return policy;
    }

    @Override
    public synchronized List<ChangeEvent> changesSince(long afterSequence, int limit) {
        return changes.stream().filter(c -> c.sequence() > afterSequence).limit(limit).toList();
    }

    @Override
    public synchronized long latestChangeSequence() {
        return changes.isEmpty() ? 0 : changes.get(changes.size() - 1).sequence();
    }

    @Override
    public synchronized int pruneChanges(Instant before) {
        int n = changes.size();
        ChangeEvent latest = changes.isEmpty() ? null : changes.get(n - 1);
        changes.removeIf(c -> c != latest && c.at().isBefore(before));
        return n - changes.size();
    }
}
