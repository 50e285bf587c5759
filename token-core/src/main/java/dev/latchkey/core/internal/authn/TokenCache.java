package dev.latchkey.core.internal.authn;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.Decision;
import dev.latchkey.core.LatchkeyStats;
import dev.latchkey.core.TokenInfo;
import dev.latchkey.core.TokenPrincipal;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.policy.PolicyHolder;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenState;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the hot path reads instead of the store: token records compiled for deciding, negative entries for
 * digests the store does not know, and directory users. Used only while {@link CacheTrust} allows it; emptied
 * per token when this node changes one ({@link #changedLocally}) or another node reports a change.
 *
 * <p>Every store read a request needs runs on the {@link StoreBulkhead} and is waited for at most the store
 * wait; concurrent misses of one digest share one read.
 */
public final class TokenCache {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    /**
     * What the hot path keeps per token: the record, its compiled CIDRs and the prebuilt allowed decision;
     * {@code cached} when it came from the cache (trusted only while {@link #stillTrusted()}), false when it was
     * read from the store for this request; {@code readAtMillis} when the read that produced it began.
     */
    public record CachedToken(TokenRecord record, CidrSet cidrs, Decision.Allowed allowed, boolean cached,
                              long readAtMillis) {
    }

    /** A directory answer and when the read that produced it began. */
    private record CachedUser(Optional<DirectoryUser> user, long readAtMillis) {
    }

    private final EngineSettings s;
    private final CacheTrust trust;
    private final PolicyHolder policy;
    private final AsyncCache<String, CachedToken> records;
    private final StoreBulkhead bulkhead;
    private final Cache<String, Boolean> unknown;
    private final Cache<String, CachedUser> users;
    private final long recordTtlMillis;
    private final long userTtlMillis;
    private final HotPathCounters counters = new HotPathCounters();

    public TokenCache(EngineSettings s, CacheTrust trust, PolicyHolder policy, StoreBulkhead bulkhead) {
        this.s = s;
        this.bulkhead = bulkhead;
        this.trust = trust;
        this.policy = policy;
        // cache expiry follows the injected clock, so tests (and hosts) control time in one place
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(s.clock().millis());
        this.recordTtlMillis = (s.cluster().isPresent() ? Duration.ofMinutes(10) : Duration.ofMinutes(5)).toMillis();
        this.userTtlMillis = s.directoryCacheTtl().toMillis();
        // Records and users expire by the age each entry carries, checked against the time the request read once
        // anyway: Caffeine's own expiry would read the clock again on every hit, twice per request. Maintenance runs
        // on the calling thread: cheap, and it spares a common-pool wake-up per cache write.
        this.records = Caffeine.newBuilder().executor(Runnable::run).maximumSize(s.cacheMaximumSize()).buildAsync();
        this.unknown = Caffeine.newBuilder().ticker(ticker).executor(Runnable::run).maximumSize(10_000)
                .expireAfterWrite(Duration.ofSeconds(30)).build();
        this.users = Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000).build();
    }

    /**
     * The compiled token for a digest, or null when the store does not know it.
     *
     * @param nowMillis the request's time, from the engine's clock: a cached record older than its time to live
     *                  is read again
     */
    public CachedToken lookup(String digest, long nowMillis) {
        if (!trust.trusted(nowMillis)) {
            // degraded: the feed could not be read within the bound, so nothing cached is trusted — not the
            // record, and not the policy either
            counters.miss();
            return bulkhead.call(() -> counters.timedRead(() -> {
                policy.reload();
                return s.store().findByDigest(digest).map(r -> compile(r, false, nowMillis)).orElse(null);
            }));
        }
        CompletableFuture<CachedToken> f = records.getIfPresent(digest);
        if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
            CachedToken ct = f.join();
            if (ct == null || nowMillis - ct.readAtMillis() < recordTtlMillis) {
                counters.hit();
                return ct;
            }
            records.asMap().remove(digest, f); // older than its time to live: read it again
        }
        if (unknown.getIfPresent(digest) != null) {
            counters.hit();
            return null;
        }
        counters.miss();
        // The future is mapped before the read starts, so an invalidate() that follows a store write removes it
        // whether the read finished or not, and a read that began before a revocation is never left in the cache
        // (Caffeine does not map a removed future again when it completes). Concurrent misses share the read.
        f = records.get(digest, (d, executor) -> {
            long readAt = s.clock().millis();
            return bulkhead.start(() -> counters.timedRead(() -> s.store().findByDigest(d))
                    .map(r -> compile(r, true, readAt)).orElse(null));
        });
        CachedToken ct;
        try {
            ct = bulkhead.await(f);
        } catch (RuntimeException e) {
            // a hanging or failed read must not be what the next request waits for: it starts a fresh one
            records.asMap().remove(digest, f);
            throw e;
        }
        if (ct == null) {
            unknown.put(digest, Boolean.TRUE);
        }
        return ct;
    }

    /** The hit, miss and store-read counters so far. */
    public LatchkeyStats stats() {
        return counters.snapshot();
    }

    /**
     * Whether the digest belongs to a token this node holds, active, in its trusted cache. Costs a cache probe,
     * never a store read.
     */
    public boolean knownActive(String digest) {
        if (!trust.trusted()) {
            return false;
        }
        CompletableFuture<CachedToken> f = records.getIfPresent(digest);
        CachedToken ct = f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
        java.time.Instant now = s.clock().instant();
        return ct != null && now.toEpochMilli() - ct.readAtMillis() < recordTtlMillis
                && ct.record().state(now) == TokenState.ACTIVE;
    }

    /**
     * Whether what the cache returned may still be used: false once the staleness bound has passed since the
     * last good poll, even when it had not at {@link #lookup}. The hot path asks again just before it allows,
     * so a request that stalled after its lookup (a pause, a slow directory) is not allowed on a cache the node
     * no longer trusts.
     */
    public boolean stillTrusted() {
        return trust.trusted();
    }

    private static CachedToken compile(TokenRecord r, boolean cached, long readAtMillis) {
        CidrSet cidrs = CidrSet.compile("allowedCidrs", r.allowedCidrs());
        TokenPrincipal principal = new TokenPrincipal(r.owner(), r.kind());
        TokenInfo info = new TokenInfo(r.id(), r.kind(), r.name(), r.owner(), r.scope(), r.expiresAt());
        return new CachedToken(r, cidrs, new Decision.Allowed(principal, info), cached, readAtMillis);
    }

    /** The directory entry of a user, cached for the directory TTL while caches are trusted. */
    public Optional<DirectoryUser> user(String name) {
        return user(name, s.clock().millis());
    }

    /**
     * {@link #user(String)} at the request's time, read once from the engine's clock for the whole decision.
     * Concurrent misses of one user share one directory read.
     */
    public Optional<DirectoryUser> user(String name, long nowMillis) {
        if (!trust.trusted(nowMillis) || userTtlMillis == 0) {
            return s.directory().findUser(name);
        }
        CachedUser cached = users.getIfPresent(name);
        if (cached != null && nowMillis - cached.readAtMillis() < userTtlMillis) {
            return cached.user();
        }
        return users.asMap().compute(name, (n, old) -> old != null && nowMillis - old.readAtMillis() < userTtlMillis
                ? old : new CachedUser(s.directory().findUser(n), nowMillis)).user();
    }

    /** Drops what this node cached for a token; tells other nodes through the broadcaster if there is one. */
    public void changedLocally(TokenRecord r) {
        invalidate(r.digest());
        s.broadcaster().ifPresent(b -> {
            try {
                b.tokenChanged(r.digest());
            } catch (RuntimeException e) {
                LOG.warn("the change broadcaster failed; other nodes will see the change through the feed: {}", e.toString());
            }
        });
    }

    public void invalidate(String digest) {
        records.synchronous().invalidate(digest);
        unknown.invalidate(digest);
    }

    /** Forgets everything: what was cached may have changed unseen. */
    public void invalidateAll() {
        records.synchronous().invalidateAll();
        unknown.invalidateAll();
        users.invalidateAll();
    }
}
