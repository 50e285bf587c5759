package dev.latchkey.core.internal.authn;

import dev.latchkey.core.Authenticator;
import dev.latchkey.core.Decision;
import dev.latchkey.core.TokenInfo;
import dev.latchkey.core.TokenPrincipal;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.policy.PolicyHolder;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenState;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the hot path reads instead of the store: token records compiled for deciding, negative entries for
 * digests the store does not know, and directory users. Used only while {@link CacheTrust} allows it; emptied
 * per token when this node changes one ({@link #changedLocally}) or another node reports a change.
 *
 * @since 0.1
 */
public final class TokenCache {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    /** What the hot path keeps per token: the record, its compiled CIDRs and the prebuilt allowed decision. */
    public record CachedToken(TokenRecord record, CidrSet cidrs, Decision.Allowed allowed) {
    }

    private final EngineSettings s;
    private final CacheTrust trust;
    private final PolicyHolder policy;
    private final Cache<String, CachedToken> records;
    private final Cache<String, Boolean> unknown;
    private final Cache<String, Optional<DirectoryUser>> users;

    public TokenCache(EngineSettings s, CacheTrust trust, PolicyHolder policy) {
        this.s = s;
        this.trust = trust;
        this.policy = policy;
        // cache expiry follows the injected clock, so tests (and hosts) control time in one place
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(s.clock().millis());
        Duration recordTtl = s.cluster().isPresent() ? Duration.ofMinutes(10) : Duration.ofMinutes(5);
        // maintenance runs on the calling thread: cheap, and it spares a common-pool wake-up per cache write
        this.records = Caffeine.newBuilder().ticker(ticker).executor(Runnable::run).maximumSize(s.cacheMaximumSize())
                .expireAfterWrite(recordTtl).build();
        this.unknown = Caffeine.newBuilder().ticker(ticker).executor(Runnable::run).maximumSize(10_000)
                .expireAfterWrite(Duration.ofSeconds(30)).build();
        this.users = Caffeine.newBuilder().ticker(ticker).executor(Runnable::run).maximumSize(10_000)
                .expireAfterWrite(s.directoryCacheTtl()).build();
    }

    /** The compiled token for a digest, or null when the store does not know it. */
    public CachedToken lookup(String digest) {
        if (!trust.trusted()) {
            // degraded: the feed could not be read within the bound, so nothing cached is trusted — not the
            // record, and not the policy either
            policy.reload();
            return s.store().findByDigest(digest).map(TokenCache::compile).orElse(null);
        }
        CachedToken ct = records.getIfPresent(digest);
        if (ct != null) {
            return ct;
        }
        if (unknown.getIfPresent(digest) != null) {
            return null;
        }
        // get(key, loader) is atomic per key: an invalidate() that races with this load waits for it and then
        // removes what it loaded, so a record read before a revocation cannot outlive the revocation here.
        ct = records.get(digest, d -> s.store().findByDigest(d).map(TokenCache::compile).orElse(null));
        if (ct == null) {
            unknown.put(digest, Boolean.TRUE);
        }
        return ct;
    }

    /**
     * Whether the digest belongs to a token this node holds, active, in its trusted cache. Costs a cache probe,
     * never a store read.
     */
    public boolean knownActive(String digest) {
        if (!trust.trusted()) {
            return false;
        }
        CachedToken ct = records.getIfPresent(digest);
        return ct != null && ct.record().state(s.clock().instant()) == TokenState.ACTIVE;
    }

    private static CachedToken compile(TokenRecord r) {
        CidrSet cidrs = CidrSet.compile("allowedCidrs", r.allowedCidrs());
        TokenPrincipal principal = new TokenPrincipal(r.owner(), r.kind());
        TokenInfo info = new TokenInfo(r.id(), r.kind(), r.name(), r.owner(), r.scope(), r.expiresAt());
        return new CachedToken(r, cidrs, new Decision.Allowed(principal, info));
    }

    /** The directory entry of a user, cached for the directory TTL while caches are trusted. */
    public Optional<DirectoryUser> user(String name) {
        if (!trust.trusted() || s.directoryCacheTtl().isZero()) {
            return s.directory().findUser(name);
        }
        Optional<DirectoryUser> cached = users.getIfPresent(name);
        return cached != null ? cached : users.get(name, n -> s.directory().findUser(n));
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
        records.invalidate(digest);
        unknown.invalidate(digest);
    }

    /** Forgets everything: what was cached may have changed unseen. */
    public void invalidateAll() {
        records.invalidateAll();
        unknown.invalidateAll();
        users.invalidateAll();
    }
}
