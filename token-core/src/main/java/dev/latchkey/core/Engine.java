package dev.latchkey.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.latchkey.core.classify.RequestClassifier;
import dev.latchkey.core.classify.Requirement;
import dev.latchkey.core.classify.UnclassifiableRequestException;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.AuditSink;
import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.StoredPolicy;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenStore;
import dev.latchkey.spi.UserDirectory;
import inet.ipaddr.IPAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link Latchkey}: the authenticator (hot path), the caches, the policy in force and the
 * background work (last-use flushing, change-feed polling).
 */
final class Engine implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    /** The Basic user name that service tokens are sent with (as Bitbucket's repository access tokens). */
    static final String SERVICE_BASIC_USERNAME = "x-token-auth";
    private static final int FEED_BATCH = 1000;

    record Settings(TokenStore store, UserDirectory directory, AuditSink audit, Clock clock, Policy initialPolicy,
                    RequestClassifier classifier, TokenFormat format, Digester digester,
                    Optional<ClusterOptions> cluster, Optional<ChangeBroadcaster> broadcaster,
                    Duration directoryCacheTtl, Duration lastUseFlushInterval, long cacheMaximumSize,
                    boolean basicUsernameMustMatch, Refusals refusals) {
    }

    /**
     * How the refusal path is handled: failed attempts allowed per client address within {@code failedPer}
     * (0: no limit), the aggregation and reporting window, and the audit queue's capacity.
     */
    record Refusals(int failedAttempts, Duration failedPer, Duration window, int auditQueueCapacity) {
        static Refusals defaults() {
            return new Refusals(20, Duration.ofMinutes(1), Duration.ofMinutes(1), 10_000);
        }
    }

    /** Distinct (address, reason) pairs aggregated per window before the "other sources" bucket takes over. */
    static final int MAX_AGGREGATED_KEYS = 10_000;

    /** What the hot path keeps per token: the record, its compiled CIDRs and the prebuilt allowed decision. */
    record CachedToken(TokenRecord record, CidrSet cidrs, Decision.Allowed allowed) {
    }

    /** The policy in force with its compiled global allowlist. */
    record PolicyState(Policy policy, CidrSet globalCidrs, long version) {
    }

    private final Settings s;
    private final Cache<String, CachedToken> records;
    private final Cache<String, Boolean> unknown;
    private final Cache<String, Optional<DirectoryUser>> users;
    private final LastUseRecorder lastUse;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Lifecycle lifecycle;
    private final PolicyAdmin policyAdmin;
    private final Map<RefusalReason, Decision.Refused> anonymousRefusals = new EnumMap<>(RefusalReason.class);
    // the refusal path: counted, aggregated, rate-limited, audited off the request thread (issue 10, section 6)
    private final IntervalCounter auditFailures;
    private final IntervalCounter auditDropped;
    private final AsyncAuditor auditor;
    private final RefusalAggregator aggregator;
    private final FailedAttemptLimiter limiter; // null when the host turned the limit off
    private final AttemptLimiter attemptLimiter;
    private final LongAdder[] refusalCounts = new LongAdder[RefusalReason.values().length];
    private final LongAdder rateLimitedCount = new LongAdder();
    private long lastSummaryMillis;
    private final long[] summarised = new long[RefusalReason.values().length]; // scheduler thread only

    private volatile PolicyState policy;
    // change-feed state, touched only by the single scheduler thread (and pollNow() in tests)
    private long feedCursor;
    private final TreeSet<Long> seenAboveCursor = new TreeSet<>();
    private long gapSinceMillis = -1;
    private volatile long lastSyncMillis;
    private volatile boolean trustLost;
    private long lastPruneMillis;

    Engine(Settings s) {
        this.s = s;
        for (RefusalReason r : RefusalReason.values()) {
            anonymousRefusals.put(r, new Decision.Refused(r, Optional.empty()));
        }
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
        this.lastUse = new LastUseRecorder(s.store());
        Refusals rs = s.refusals();
        long windowMs = rs.window().toMillis();
        this.auditFailures = new IntervalCounter(LOG, "the audit sink failed; audit events lost", s.clock(), windowMs);
        this.auditDropped = new IntervalCounter(LOG, "the audit queue was full; refusal events dropped", s.clock(),
                windowMs);
        this.auditor = new AsyncAuditor(s.audit(), rs.auditQueueCapacity(), auditDropped, auditFailures);
        this.aggregator = new RefusalAggregator(s.clock(), windowMs, MAX_AGGREGATED_KEYS, auditor::offer);
        this.limiter = rs.failedAttempts() == 0 ? null : new FailedAttemptLimiter(s.clock(), rs.failedAttempts(),
                rs.failedPer(), FailedAttemptLimiter.DEFAULT_MAX_ADDRESSES);
        this.attemptLimiter = new AttemptLimiter() {
            @Override
            public Optional<Duration> admit(String clientIp) {
                java.util.Objects.requireNonNull(clientIp, "clientIp");
                long wait = limiter == null ? 0 : limiter.waitMillis(clientIp);
                if (wait == 0) {
                    return Optional.empty();
                }
                rateLimitedCount.increment();
                aggregator.add(safeText(clientIp), RefusalReason.RATE_LIMITED, "-", "-");
                return Optional.of(retryAfter(wait));
            }

            @Override
            public void failed(String clientIp) {
                java.util.Objects.requireNonNull(clientIp, "clientIp");
                if (limiter != null) {
                    limiter.failed(clientIp);
                }
            }
        };
        for (int i = 0; i < refusalCounts.length; i++) {
            refusalCounts[i] = new LongAdder();
        }
        this.lastSummaryMillis = s.clock().millis();
        this.policy = loadOrSavePolicy();
        this.lifecycle = new Lifecycle(this);
        this.policyAdmin = new PolicyAdmin(this);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "latchkey-engine");
            t.setDaemon(true);
            return t;
        });
        long flushMs = s.lastUseFlushInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::flushQuietly, flushMs, flushMs, TimeUnit.MILLISECONDS);
        long tickMs = Math.min(1000, windowMs);
        scheduler.scheduleWithFixedDelay(this::tickQuietly, tickMs, tickMs, TimeUnit.MILLISECONDS);
        if (s.cluster().isPresent()) {
            ClusterOptions c = s.cluster().get();
            this.feedCursor = s.store().latestChangeSequence();
            this.lastSyncMillis = s.clock().millis();
            this.lastPruneMillis = lastSyncMillis;
            long pollMs = c.pollInterval().toMillis();
            scheduler.scheduleWithFixedDelay(this::pollQuietly, pollMs, pollMs, TimeUnit.MILLISECONDS);
        }
    }

    Settings settings() {
        return s;
    }

    TokenFormat format() {
        return s.format();
    }

    Lifecycle lifecycle() {
        return lifecycle;
    }

    PolicyAdmin policyAdmin() {
        return policyAdmin;
    }

    PolicyState policyState() {
        return policy;
    }

    // ------------------------------------------------------------------ hot path

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
            if (limiter != null) {
                // before any lookup: a limited address costs us one cache probe, not a digest and a SELECT
                long wait = limiter.waitMillis(request.clientIp());
                if (wait > 0 && !knownActiveInCache(credential)) {
                    return rateLimited(request, wait);
                }
            }
            return decide(credential, request);
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
        if (s.format().parse(token).isEmpty() || !trustCaches()) {
            return false;
        }
        CachedToken ct = records.getIfPresent(s.digester().digest(token));
        return ct != null && ct.record().state(s.clock().instant()) == dev.latchkey.spi.TokenState.ACTIVE;
    }

    private Decision decide(Credential credential, RequestFacts request) {
        String token = credential.token();
        Optional<TokenKind> kind = s.format().parse(token);
        if (kind.isEmpty()) {
            return refuse(RefusalReason.MALFORMED, null, credential, request);
        }
        String digest = s.digester().digest(token);
        CachedToken ct = lookup(digest);
        if (ct == null) {
            return refuse(RefusalReason.UNKNOWN, null, credential, request);
        }
        TokenRecord rec = ct.record();
        if (!Digester.same(rec.digest(), digest) || rec.kind() != kind.get()) {
            return refuse(RefusalReason.UNKNOWN, null, credential, request);
        }
        Instant now = s.clock().instant();
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
            String expected = rec.kind() == TokenKind.SERVICE ? SERVICE_BASIC_USERNAME : rec.owner();
            boolean check = rec.kind() == TokenKind.SERVICE || s.basicUsernameMustMatch();
            if (check && !basicUser.get().equals(expected)) {
                return refuse(RefusalReason.USERNAME_MISMATCH, rec, credential, request);
            }
        }
        PolicyState ps = policy;
        Scope effective = rec.scope();
        if (rec.kind() == TokenKind.PERSONAL) {
            Optional<DirectoryUser> owner = user(rec.owner());
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
        IPAddress client = null;
        if (!ps.globalCidrs().isEmpty() || !ct.cidrs().isEmpty()) {
            // an unknown client is refused explicitly, whatever the address parser would make of the text
            client = request.clientIpKnown() ? CidrSet.parseClientIp(request.clientIp()).orElse(null) : null;
            if (client == null
                    || (!ps.globalCidrs().isEmpty() && !ps.globalCidrs().contains(client))
                    || (!ct.cidrs().isEmpty() && !ct.cidrs().contains(client))) {
                return refuse(RefusalReason.IP_NOT_ALLOWED, rec, credential, request);
            }
        }
        Requirement need;
        try {
            need = s.classifier().classify(request);
        } catch (UnclassifiableRequestException e) {
            LOG.debug("request {} {} could not be classified: {}", safeText(request.method()), safeText(request.path()),
                    safeText(e.getMessage()));
            return refuse(RefusalReason.INSUFFICIENT_SCOPE, rec, credential, request);
        }
        if (!effective.coversResource(need.resource())
                || !effective.levelFor(need.domain().orElse(null)).includes(need.level())
                || (need.explicitDomain() && !effective.domainLevels().containsKey(need.domain().get()))) {
            return refuse(RefusalReason.INSUFFICIENT_SCOPE, rec, credential, request);
        }
        lastUse.record(rec.id(), now, client, request.clientIp());
        if (effective == rec.scope()) {
            return ct.allowed();
        }
        TokenInfo info = new TokenInfo(rec.id(), rec.kind(), rec.name(), rec.owner(), effective, rec.expiresAt());
        return new Decision.Allowed(ct.allowed().principal(), info);
    }

    /** The scope lowered so no level exceeds {@code max}; the same instance when nothing changes. */
    static Scope cap(Scope scope, AccessLevel max) {
        if (max.includes(scope.level())) {
            return scope;
        }
        Map<String, AccessLevel> domains = new java.util.HashMap<>();
        scope.domainLevels().forEach((d, l) -> domains.put(d, AccessLevel.min(l, max)));
        return new Scope(max, domains, scope.resources());
    }

    private CachedToken lookup(String digest) {
        if (!trustCaches()) {
            // degraded: the feed could not be read within the bound, so nothing cached is trusted — not the
            // record, and not the policy either
            reloadPolicy();
            return s.store().findByDigest(digest).map(this::compile).orElse(null);
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
        ct = records.get(digest, d -> s.store().findByDigest(d).map(this::compile).orElse(null));
        if (ct == null) {
            unknown.put(digest, Boolean.TRUE);
        }
        return ct;
    }

    private CachedToken compile(TokenRecord r) {
        CidrSet cidrs = CidrSet.compile("allowedCidrs", r.allowedCidrs());
        String principalName = r.owner();
        TokenPrincipal principal = new TokenPrincipal(principalName, r.kind());
        TokenInfo info = new TokenInfo(r.id(), r.kind(), r.name(), r.owner(), r.scope(), r.expiresAt());
        return new CachedToken(r, cidrs, new Decision.Allowed(principal, info));
    }

    Optional<DirectoryUser> user(String name) {
        if (!trustCaches() || s.directoryCacheTtl().isZero()) {
            return s.directory().findUser(name);
        }
        Optional<DirectoryUser> cached = users.getIfPresent(name);
        return cached != null ? cached : users.get(name, n -> s.directory().findUser(n));
    }

    private boolean trustCaches() {
        if (s.cluster().isEmpty()) {
            return true;
        }
        if (s.clock().millis() - lastSyncMillis > s.cluster().get().stalenessBound().toMillis()) {
            trustLost = true;
            return false;
        }
        return true;
    }

    private static Duration retryAfter(long waitMillis) {
        return Duration.ofSeconds(Math.max(1, (waitMillis + 999) / 1000));
    }

    private Decision rateLimited(RequestFacts request, long waitMillis) {
        Duration wait = retryAfter(waitMillis);
        refusalCounts[RefusalReason.RATE_LIMITED.ordinal()].increment();
        rateLimitedCount.increment();
        if (LOG.isDebugEnabled()) {
            LOG.debug("refused a token on {} {} from {}: RATE_LIMITED for {} s", safeText(request.method()),
                    safeText(request.path()), safeText(request.clientIp()), wait.toSeconds());
        }
        aggregator.add(safeText(request.clientIp()), RefusalReason.RATE_LIMITED, safeText(request.method()),
                safeText(request.path()));
        return new Decision.Refused(RefusalReason.RATE_LIMITED, Optional.empty(), Optional.of(wait));
    }

    /**
     * The one place a token refusal is logged (one DEBUG line), counted, charged to the client's failed-attempt
     * budget and audited: without a known token folded into the per-window aggregate, with one queued as an
     * individual event. Neither writes on the request thread.
     */
    private Decision refuse(RefusalReason reason, TokenRecord rec, Credential credential, RequestFacts request) {
        Optional<String> tokenId = rec == null ? Optional.empty() : Optional.of(rec.id());
        refusalCounts[reason.ordinal()].increment();
        if (limiter != null && reason.isFailedAttempt()) {
            limiter.failed(request.clientIp());
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("refused token {} on {} {} from {}: {}", tokenId.orElse("-"), safeText(request.method()),
                    safeText(request.path()), safeText(request.clientIp()), reason);
        }
        if (rec == null) {
            aggregator.add(safeText(request.clientIp()), reason, safeText(request.method()), safeText(request.path()));
            return anonymousRefusals.get(reason);
        }
        // the actor of a refused attempt is unknown: the Basic user name is only a claim, so it goes into the
        // details and never into the actor field an auditor filters on
        Map<String, String> details = new java.util.HashMap<>(4);
        details.put("method", safeText(request.method()));
        details.put("path", safeText(request.path()));
        credential.basicUsername().ifPresent(u -> details.put("claimedUser", safeText(u)));
        auditor.offer(new AuditEvent(AuditEventType.AUTHENTICATION_REFUSED, s.clock().instant(), "anonymous", tokenId,
                Optional.of(rec.owner()), Optional.of(safeText(request.clientIp())), AuditOutcome.FAILURE,
                Optional.of(reason.name()), details));
        return new Decision.Refused(reason, tokenId);
    }

    /** Caller-supplied text for the audit log: this host's token shapes masked, bounded, escaped. */
    String safeText(String text) {
        return SafeText.forAudit(text, s.format());
    }

    /**
     * Records a lifecycle or policy event synchronously, on the caller's thread. Deliberately not queued like
     * refusals: the event must be in the audit log before the API call that caused it returns (a queue may drop
     * on overflow and is lost on a crash), and lifecycle calls come from authenticated users at a human rate, so
     * they cannot be used to flood the log. A failing sink never undoes the caller's change; it is counted and
     * reported once per interval, not once per event.
     */
    void audit(AuditEvent event) {
        try {
            s.audit().record(event);
        } catch (RuntimeException e) {
            auditFailures.add(1, event.type() + ": " + e);
        }
    }

    /** Queues a refusal event of an adapter (e.g. a refused password) for the background auditor. */
    void auditRefusal(AuditEvent event) {
        auditor.offer(java.util.Objects.requireNonNull(event, "event"));
    }

    /** Closes the open refusal window now and waits until the queued events reached the sink. */
    boolean flushRefusals(long waitMillis) {
        aggregator.flush();
        return auditor.awaitIdle(waitMillis);
    }

    AttemptLimiter attemptLimiter() {
        return attemptLimiter;
    }

    RefusalStats refusalStats() {
        long refusals = 0;
        for (LongAdder a : refusalCounts) {
            refusals += a.sum();
        }
        return new RefusalStats(refusals, rateLimitedCount.sum(), auditor.queued(), auditor.written(),
                auditor.dropped(), auditFailures.total(), limiter == null ? 0 : limiter.trackedAddresses());
    }

    /** The periodic work of the refusal path: close due windows, report counters, log the summary. */
    void tick() {
        aggregator.rollIfDue();
        if (limiter != null) {
            limiter.tick();
        }
        auditFailures.report();
        auditDropped.report();
        long now = s.clock().millis();
        if (now - lastSummaryMillis >= s.refusals().window().toMillis()) {
            summarise(now);
        }
    }

    private void summarise(long now) {
        StringBuilder b = new StringBuilder();
        long total = 0;
        for (RefusalReason r : RefusalReason.values()) {
            long n = refusalCounts[r.ordinal()].sum() - summarised[r.ordinal()];
            if (n > 0) {
                summarised[r.ordinal()] += n;
                total += n;
                b.append(b.length() == 0 ? "" : ", ").append(r).append('=').append(n);
            }
        }
        long seconds = Math.max(1, (now - lastSummaryMillis) / 1000);
        lastSummaryMillis = now;
        if (total > 0) {
            LOG.info("refused {} token attempts in the last {} s: {}", total, seconds, b);
        }
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("refusal-path upkeep failed: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------ invalidation and policy

    /** Drops what this node cached for a token; tells other nodes through the broadcaster if there is one. */
    void changedLocally(TokenRecord r) {
        invalidateDigest(r.digest());
        s.broadcaster().ifPresent(b -> {
            try {
                b.tokenChanged(r.digest());
            } catch (RuntimeException e) {
                LOG.warn("the change broadcaster failed; other nodes will see the change through the feed: {}", e.toString());
            }
        });
    }

    void invalidateDigest(String digest) {
        records.invalidate(digest);
        unknown.invalidate(digest);
    }

    void policyChangedLocally(PolicyState state) {
        this.policy = state;
        s.broadcaster().ifPresent(b -> {
            try {
                b.policyChanged();
            } catch (RuntimeException e) {
                LOG.warn("the change broadcaster failed; other nodes will see the change through the feed: {}", e.toString());
            }
        });
    }

    static PolicyState compile(Policy p, long version) {
        return new PolicyState(p, CidrSet.compile("globalAllowedCidrs", p.globalAllowedCidrs()), version);
    }

    private PolicyState loadOrSavePolicy() {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<StoredPolicy> stored = s.store().loadPolicy();
            if (stored.isPresent()) {
                return compile(Policy.fromSettings(stored.get().settings()), stored.get().version());
            }
            try {
                StoredPolicy saved = s.store().savePolicy(s.initialPolicy().toSettings(), 0);
                return compile(s.initialPolicy(), saved.version());
            } catch (ConcurrentUpdateException e) {
                // another node saved first: read theirs
            }
        }
        throw new IllegalStateException("could not load or save the initial policy: the store keeps changing it");
    }

    void reloadPolicy() {
        try {
            Optional<StoredPolicy> stored = s.store().loadPolicy();
            if (stored.isPresent() && stored.get().version() != policy.version()) {
                policy = compile(Policy.fromSettings(stored.get().settings()), stored.get().version());
            }
        } catch (ValidationException e) {
            LOG.error("the stored policy is invalid and was not applied; fix it through the policy API: {}", e.getMessage());
        }
    }

    // ------------------------------------------------------------------ background work

    void flushLastUse() {
        lastUse.flush();
    }

    private void flushQuietly() {
        try {
            lastUse.flush();
        } catch (RuntimeException e) {
            LOG.warn("last-use flush failed: {}", e.toString());
        }
    }

    private void pollQuietly() {
        try {
            pollNow();
        } catch (RuntimeException e) {
            LOG.warn("change-feed poll failed; caches are trusted for at most the staleness bound: {}", e.toString());
        }
    }

    /**
     * One poll of the change feed. Sequences may commit out of order (concurrent transactions), so the cursor
     * only advances over a contiguous run; a gap is waited for (re-reading what lies beyond it, which is
     * harmless: invalidation is idempotent) until it is older than a few polls, then skipped (a rolled-back
     * transaction leaves a permanent gap).
     */
    synchronized void pollNow() {
        ClusterOptions c = s.cluster().orElseThrow();
        long started = s.clock().millis();
        if (trustLost) {
            // we may have missed anything while we could not read the feed
            records.invalidateAll();
            unknown.invalidateAll();
            users.invalidateAll();
            trustLost = false;
        }
        boolean policyChanged = false;
        boolean caughtUp = false;
        for (int round = 0; round < 100 && !caughtUp; round++) {
            List<ChangeEvent> events = s.store().changesSince(feedCursor, FEED_BATCH);
            policyChanged |= apply(events, started, c);
            caughtUp = events.size() < FEED_BATCH;
        }
        if (policyChanged) {
            reloadPolicy();
        }
        if (!caughtUp) {
            LOG.warn("the change feed has a backlog of over {} events; caches stay untrusted until it is read", 100 * FEED_BATCH);
            return;
        }
        // trust only what was committed before this poll started
        lastSyncMillis = started;
        if (started - lastPruneMillis > Math.min(60_000, c.changeRetention().toMillis())) {
            lastPruneMillis = started;
            s.store().pruneChanges(Instant.ofEpochMilli(started).minus(c.changeRetention()));
        }
    }

    private boolean apply(List<ChangeEvent> events, long started, ClusterOptions c) {
        boolean policyChanged = false;
        for (ChangeEvent e : events) {
            if (e.type() == ChangeEvent.Type.TOKEN) {
                invalidateDigest(e.digest().orElseThrow());
            } else {
                policyChanged = true;
            }
            seenAboveCursor.add(e.sequence());
        }
        long gapTimeout = Math.max(5_000, c.pollInterval().toMillis() * 10);
        while (!seenAboveCursor.isEmpty()) {
            long next = seenAboveCursor.first();
            if (next <= feedCursor) {
                seenAboveCursor.pollFirst();
            } else if (next == feedCursor + 1) {
                feedCursor = next;
                seenAboveCursor.pollFirst();
                gapSinceMillis = -1;
            } else {
                if (gapSinceMillis < 0) {
                    gapSinceMillis = started;
                } else if (started - gapSinceMillis > gapTimeout) {
                    feedCursor = next - 1; // the gap is permanent
                    gapSinceMillis = -1;
                    continue;
                }
                break;
            }
        }
        if (seenAboveCursor.size() > 100_000) {
            // a pathological feed: never grow without bound; re-reading from the cursor is always safe
            seenAboveCursor.clear();
        }
        return policyChanged;
    }

    void close() {
        if (closed.compareAndSet(false, true)) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            flushQuietly();
            // the open window's counts and everything queued reach the sink before close() returns
            aggregator.flush();
            auditor.close(10_000);
            auditFailures.reportNow();
            auditDropped.reportNow();
        }
    }

    @Override
    public String toString() {
        return "store=" + s.store() + ", format=" + s.format() + ", digest=" + s.digester().algorithmId()
                + ", cluster=" + s.cluster().map(ClusterOptions::toString).orElse("off");
    }
}
