package dev.latchkey.core.internal.authn;

import dev.latchkey.core.Authenticator;
import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.TokenInfo;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.core.internal.format.Digester;
import dev.latchkey.core.internal.policy.PolicyHolder;
import dev.latchkey.core.classify.Requirement;
import dev.latchkey.core.classify.UnclassifiableRequestException;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot path ({@link Authenticator}): a straight line of early returns over the parsed token, the cached
 * record, the owner, the policy, the client address and the request's requirement. It reads the
 * {@link TokenCache} and the {@link PolicyHolder}, reports refusals to the {@link Auditor} and uses to the
 * {@link LastUseRecorder}; nothing else in the engine depends on it.
 *
 * @since 0.1
 */
public final class TokenAuthenticator implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    private final EngineSettings s;
    private final TokenCache cache;
    private final PolicyHolder policy;
    private final Auditor auditor;
    private final LastUseRecorder lastUse;
    private final Map<RefusalReason, Decision.Refused> anonymousRefusals = new EnumMap<>(RefusalReason.class);

    public TokenAuthenticator(EngineSettings s, TokenCache cache, PolicyHolder policy, Auditor auditor,
                       LastUseRecorder lastUse) {
        this.s = s;
        this.cache = cache;
        this.policy = policy;
        this.auditor = auditor;
        this.lastUse = lastUse;
        for (RefusalReason r : RefusalReason.values()) {
            anonymousRefusals.put(r, new Decision.Refused(r, Optional.empty()));
        }
    }

    @Override
    public boolean looksLikeToken(String text) {
        return text != null && s.format().parse(text).isPresent();
    }

    @Override
    public boolean needsBody(String method, String path) {
        try {
            return s.classifier().needsBody(method, path);
        } catch (RuntimeException e) {
            return false; // without the body the classifier decides the stricter way
        }
    }

    @Override
    public Decision authenticate(Credential credential, RequestFacts request) {
        if (credential == null || request == null) {
            return anonymousRefusals.get(RefusalReason.MALFORMED);
        }
        try {
            if (auditor.limiting()) {
                // before any lookup: a limited address costs us one cache probe, not a digest and a SELECT
                long wait = auditor.limitWaitMillis(request.clientIp());
                if (wait > 0 && !knownActiveInCache(credential)) {
                    Duration after = Auditor.retryAfter(wait);
                    auditor.rateLimited(request, after);
                    return new Decision.Refused(RefusalReason.RATE_LIMITED, Optional.empty(), Optional.of(after));
                }
            }
            return decide(credential, request, true);
        } catch (StoreUnavailableException e) {
            LOG.debug("token lookup failed, refusing: {}", e.getMessage());
            return refuse(RefusalReason.STORE_UNAVAILABLE, null, credential, request);
        } catch (RuntimeException e) {
            LOG.warn("unexpected failure while authenticating a token, refusing: {}", e.toString());
            return refuse(RefusalReason.INTERNAL_ERROR, null, credential, request);
        }
    }

    /**
     * Whether the credential is a token this node holds, active, in its trusted cache. A limited address is
     * still served such a token: checking it costs a digest and a cache probe, never a store read, so the limit
     * keeps its purpose (no lookups for guesses) without locking out the legitimate clients that share an
     * address (NAT, CI runners) with one that retries a revoked token. Everything else from the address waits.
     */
    private boolean knownActiveInCache(Credential credential) {
        String token = credential.token();
        return s.format().parse(token).isPresent() && cache.knownActive(s.digester().digest(token));
    }

    private Decision decide(Credential credential, RequestFacts request, boolean mayRetry) {
        String token = credential.token();
        Optional<TokenKind> kind = s.format().parse(token);
        if (kind.isEmpty()) {
            return refuse(RefusalReason.MALFORMED, null, credential, request);
        }
        String digest = s.digester().digest(token);
        // the one clock read of the decision: state, cache ages and the last use all take this time
        Instant now = s.clock().instant();
        long nowMillis = now.toEpochMilli();
        TokenCache.CachedToken ct = cache.lookup(digest, nowMillis);
        if (ct == null) {
            return refuse(RefusalReason.UNKNOWN, null, credential, request);
        }
        TokenRecord rec = ct.record();
        if (!Digester.same(rec.digest(), digest) || rec.kind() != kind.get()) {
            return refuse(RefusalReason.UNKNOWN, null, credential, request);
        }
        switch (rec.state(now)) {
            case REVOKED:
                return refuse(RefusalReason.REVOKED, rec, credential, request);
            case EXPIRED:
                return refuse(RefusalReason.EXPIRED, rec, credential, request);
            default:
                break;
        }
        Optional<String> basicUser = credential.basicUsername();
        if (basicUser.isPresent()) {
            String expected = rec.kind() == TokenKind.SERVICE ? EngineSettings.SERVICE_BASIC_USERNAME : rec.owner();
            boolean check = rec.kind() == TokenKind.SERVICE || s.basicUsernameMustMatch();
            if (check && !basicUser.get().equals(expected)) {
                return refuse(RefusalReason.USERNAME_MISMATCH, rec, credential, request);
            }
        }
        PolicyHolder.PolicyState ps = policy.state();
        Scope effective = rec.scope();
        if (rec.kind() == TokenKind.PERSONAL) {
            Optional<DirectoryUser> owner = cache.user(rec.owner(), nowMillis);
            if (owner.isEmpty() || !owner.get().active()) {
                return refuse(RefusalReason.OWNER_INACTIVE, rec, credential, request);
            }
            if (!ps.policy().useTokens().admits(owner.get().groups())) {
                return refuse(RefusalReason.NOT_PERMITTED, rec, credential, request);
            }
            Optional<AccessLevel> max = ps.policy().maxLevelFor(owner.get().groups());
            if (max.isEmpty()) {
                return refuse(RefusalReason.NOT_PERMITTED, rec, credential, request);
            }
            effective = cap(effective, max.get());
        }
        if ((!ps.globalCidrs().isEmpty() || !ct.cidrs().isEmpty())
                // an unknown client is refused explicitly, whatever the address parser would make of the text
                && (!request.clientIpKnown() || !CidrSet.admits(ps.globalCidrs(), ct.cidrs(), request.clientIp()))) {
            return refuse(RefusalReason.IP_NOT_ALLOWED, rec, credential, request);
        }
        Requirement need;
        try {
            need = s.classifier().classify(request);
        } catch (UnclassifiableRequestException e) {
            LOG.debug("request {} {} could not be classified: {}", auditor.safeText(request.method()), auditor.safeText(request.path()),
                    auditor.safeText(e.getMessage()));
            return refuse(RefusalReason.INSUFFICIENT_SCOPE, rec, credential, request);
        }
        if (!effective.coversResource(need.resource())
                || !effective.levelFor(need.domain().orElse(null)).includes(need.level())
                || (need.explicitDomain() && !effective.domainLevels().containsKey(need.domain().get()))) {
            return refuse(RefusalReason.INSUFFICIENT_SCOPE, rec, credential, request);
        }
        if (ct.cached() && !cache.stillTrusted()) {
            // the bound passed while this request was being decided: the cached record, owner and policy may be
            // stale, so decide again from the store (once; a second loss refuses as the store being unavailable)
            return mayRetry ? decide(credential, request, false) : refuse(RefusalReason.STORE_UNAVAILABLE, rec, credential, request);
        }
        lastUse.record(rec.id(), now, request.clientIp());
        if (effective == rec.scope()) {
            return ct.allowed();
        }
        TokenInfo info = new TokenInfo(rec.id(), rec.kind(), rec.name(), rec.owner(), effective, rec.expiresAt());
        return new Decision.Allowed(ct.allowed().principal(), info);
    }

    /** The scope lowered so no level exceeds {@code max}; the same instance when nothing changes. */
    public static Scope cap(Scope scope, AccessLevel max) {
        if (max.includes(scope.level())) {
            return scope;
        }
        Map<String, AccessLevel> domains = new java.util.HashMap<>();
        scope.domainLevels().forEach((d, l) -> domains.put(d, AccessLevel.min(l, max)));
        return new Scope(max, domains, scope.resources());
    }

    private Decision refuse(RefusalReason reason, TokenRecord rec, Credential credential, RequestFacts request) {
        auditor.refused(reason, rec, credential, request);
        return rec == null ? anonymousRefusals.get(reason) : new Decision.Refused(reason, Optional.of(rec.id()));
    }

    @Override
    public String toString() {
        return "store=" + s.store() + ", format=" + s.format() + ", digest=" + s.digester().algorithmId()
                + ", cluster=" + s.cluster().map(ClusterOptions::toString).orElse("off");
    }
}
