package dev.latchkey.core;

import dev.latchkey.core.classify.GitAwareMethodClassifier;
import dev.latchkey.core.classify.RequestClassifier;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.spi.internal.SetOnce;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.core.internal.authn.CacheTrust;
import dev.latchkey.core.internal.authn.LastUseRecorder;
import dev.latchkey.core.internal.authn.PasswordGatekeeper;
import dev.latchkey.core.internal.authn.TokenAuthenticator;
import dev.latchkey.core.internal.authn.TokenCache;
import dev.latchkey.core.internal.cluster.ChangeFeedFollower;
import dev.latchkey.core.internal.format.Digester;
import dev.latchkey.core.internal.lifecycle.TokenLifecycle;
import dev.latchkey.core.internal.policy.PolicyAdministration;
import dev.latchkey.core.internal.policy.PolicyHolder;
import dev.latchkey.core.internal.cluster.NodeSettings;
import dev.latchkey.core.internal.cluster.NodeWatch;
import dev.latchkey.core.internal.authn.StoreBulkhead;
import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.spi.AuditSink;
import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.NodeRegistry;
import dev.latchkey.spi.TokenStore;
import dev.latchkey.spi.UserDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The entry point: one engine per host, wiring a {@link TokenStore}, a {@link UserDirectory}, an
 * {@link AuditSink}, a clock, the initial policy and a request classifier.
 *
 * <pre>{@code
 * Latchkey latchkey = Latchkey.builder()
 *         .store(new InMemoryTokenStore())
 *         .directory(directory)
 *         .build();
 * IssuedToken issued = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build());
 * Decision d = latchkey.authenticator().authenticate(Credential.bearer(issued.secret().reveal()),
 *         RequestFacts.of("GET", "/rest/api/1.0/projects", "10.1.2.3"));
 * }</pre>
 *
 * What {@link Builder#build()} returns is immutable and thread-safe. It owns a few small background threads
 * (last-use flushing; on a node that follows the change feed, polling and heartbeats; a bounded set of threads
 * for the store reads requests wait for); {@link #close()} flushes pending last-use records and stops them.
 *
 * <p>Several nodes are safe by default: an engine over a store that several nodes can share (one that offers a
 * {@link dev.latchkey.spi.ChangeFeed} or a {@link NodeRegistry}; the in-memory store excepted) follows the store's
 * change feed ({@link ClusterOptions#defaults()}) unless the host declares it the only node
 * ({@link Builder#singleNode()}); see {@link #clusterState()}. A store that implements only the core
 * {@link TokenStore} serves a single node, which then keeps the policy in memory.
 *
 * @since 0.1
 */
public final class Latchkey implements AutoCloseable {
    /** The Basic user name a service token is sent with ({@code x-token-auth}, as Bitbucket's access tokens). */
    public static final String SERVICE_BASIC_USERNAME = EngineSettings.SERVICE_BASIC_USERNAME;

    private final EngineSettings settings;
    private final TokenAuthenticator authenticator;
    private final TokenCache cache;
    private final PolicyHolder policy;
    private final Auditor auditor;
    private final LastUseRecorder lastUse;
    private final TokenLifecycle lifecycle;
    private final PolicyAdministration policyAdmin;
    private final BackgroundWork background;
    private final NodeSettings node;
    private final CacheTrust trust;
    private final StoreBulkhead bulkhead;
    private volatile ChangeFeedFollower follower;
    private final NodeWatch nodeWatch;

    /** Wires the engine's parts; every arrow points away from the authenticator, none back to it. */
    Latchkey(EngineSettings s, NodeSettings node) {
        this.settings = s;
        this.node = node;
        this.auditor = new Auditor(s);
        this.policy = new PolicyHolder(s);
        this.trust = new CacheTrust(s.clock(), s.cluster());
        this.bulkhead = new StoreBulkhead(node.storeWait());
        this.cache = new TokenCache(s, trust, policy, bulkhead);
        this.lastUse = new LastUseRecorder(s.store());
        this.authenticator = new TokenAuthenticator(s, cache, policy, auditor, lastUse);
        this.lifecycle = new TokenLifecycle(s, policy, cache, auditor);
        this.policyAdmin = new PolicyAdministration(s, policy, auditor);
        this.background = new BackgroundWork(s, lastUse, auditor);
        s.cluster().ifPresent(this::follow);
        this.nodeWatch = StoreCapabilities.watchesNodes(s.store())
                ? new NodeWatch(s.clock(), (NodeRegistry) s.store(), node.nodeName(), node.heartbeat(), node.singleNodeDeclared(),
                        () -> follow(ClusterOptions.defaults()))
                : null;
        if (nodeWatch != null) {
            nodeWatch.start();
        }
    }

    /** Starts following the change feed (once); what was cached before may have missed changes. */
    private synchronized void follow(ClusterOptions options) {
        if (follower != null) {
            return;
        }
        // the builder checked that a node that may follow has a store with a change feed
        ChangeFeedFollower f = new ChangeFeedFollower(settings, (ChangeFeed) settings.store(), options, trust, cache, policy);
        cache.invalidateAll();
        f.start();
        follower = f;
    }

    /**
     * A new builder.
     *
     * @return a builder with no option set
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The hot path: decides on requests presenting a token.
     *
     * @return this engine's authenticator
     */
    public Authenticator authenticator() {
        return authenticator;
    }

    /**
     * A gate applying {@code rules} to requests that present a password, with this engine's directory cache,
     * failed-attempt limit, allowlist and audit: what an adapter asks before a password reaches the host. Cheap;
     * an adapter builds one when it is configured.
     *
     * @param rules the password-path rules to apply
     * @return a gate deciding password requests under {@code rules}
     * @throws NullPointerException if {@code rules} is null
     */
    public PasswordGate passwordGate(PasswordRules rules) {
        return new PasswordGatekeeper(rules, settings, cache, policy, auditor);
    }

    /**
     * The token lifecycle.
     *
     * @return the service that creates, lists, rotates and revokes this engine's tokens
     */
    public TokenService tokens() {
        return lifecycle;
    }

    /**
     * The policy.
     *
     * @return the service that reads and changes this engine's policy
     */
    public PolicyService policy() {
        return policyAdmin;
    }

    /**
     * The audit log this engine writes to, when the host's sink can also be queried (an
     * {@link dev.latchkey.spi.AuditLog} such as {@code JdbcAuditLog}): what a token API shows as the audit trail.
     * Empty for a write-only sink. Adapters record events through {@link #refusalAuditSink()}, not here.
     *
     * @return the host's sink as an {@link dev.latchkey.spi.AuditLog}, or empty when it cannot be queried
     */
    public Optional<dev.latchkey.spi.AuditLog> auditLog() {
        AuditSink sink = settings.audit();
        sink = sink instanceof NoticingAuditSink n ? n.delegate() : sink; // issue 14: notices wrap the host's sink
        return sink instanceof dev.latchkey.spi.AuditLog log ? Optional.of(log) : Optional.empty();
    }

    /**
     * The engine's user directory read through its directory cache ({@code directoryCacheTtl}, the cache the token
     * decision itself reads): for adapters that ask about a token's owner on every request (the servlet filter's
     * {@code isUserInRole}), so the owner the decision just looked up costs no second directory read.
     *
     * @return a view of {@link #directory()} that answers from the engine's directory cache
     */
    public UserDirectory cachedDirectory() {
        return cache::user;
    }

    /**
     * The user directory this engine decides permissions from, for adapters that decide on credentials of their
     * own (a password's user and groups) against the same users, without being wired twice.
     *
     * @return the directory the engine was built with
     */
    public UserDirectory directory() {
        return settings.directory();
    }

    /**
     * The token format in use (prefixes, checksum), for hosts that recognise tokens themselves: the leak scanner
     * ({@code TokenScanner.of(latchkey.tokenFormat())}), a filter telling a token from a password, log masking.
     *
     * @return the format the engine was built with (the default one unless the host set its own)
     */
    public TokenFormat tokenFormat() {
        return settings.format();
    }

    /**
     * Host cluster hook: another node reported that the token with this digest changed.
     *
     * @param digest the changed token's digest, as the reporting node's {@link ChangeBroadcaster} sent it
     * @throws NullPointerException if {@code digest} is null
     */
    public void onClusterTokenChange(String digest) {
        cache.invalidate(Objects.requireNonNull(digest, "digest"));
    }

    /** Host cluster hook: another node reported a policy change. */
    public void onClusterPolicyChange() {
        policy.reload();
    }

    /**
     * Host cluster hook: something changed in the store (e.g. a PostgreSQL {@code NOTIFY} arrived), so read the
     * change feed now. Never blocks and never reads the store on the caller's thread: it wakes this node's
     * change-feed follower, which polls at once, or right after the poll already running; calls while a poll
     * runs fold into one. A no-op on a node that does not follow the feed.
     */
    public void pollChangesNow() {
        ChangeFeedFollower f = follower;
        if (f != null) {
            f.wake();
        }
    }

    /**
     * This node's view of its cluster now: mode, cache trust, feed lag, live nodes. Cheap; for health and metrics.
     *
     * @return a snapshot of this node's cluster state
     */
    public ClusterState clusterState() {
        ChangeFeedFollower f = follower;
        ClusterState.Mode mode = f == null ? ClusterState.Mode.SINGLE_NODE
                : nodeWatch != null && nodeWatch.conflict() ? ClusterState.Mode.FOLLOWING_DESPITE_SINGLE_NODE
                : ClusterState.Mode.FOLLOWING;
        boolean following = trust.following();
        return new ClusterState(node.nodeName(), mode, trust.trusted(), Duration.ofMillis(trust.lagMillis()),
                following ? Duration.ofMillis(trust.boundMillis()) : Duration.ZERO,
                nodeWatch != null ? nodeWatch.liveNodes() : List.of());
    }

    /**
     * The failed-attempt limit per client address, for adapters that refuse credentials of their own (the
     * engine applies it to tokens itself). A no-op limiter when the host turned the limit off.
     *
     * @return the engine's limiter, shared with the token path
     */
    public AttemptLimiter attemptLimiter() {
        return auditor.attemptLimiter();
    }

    /**
     * Where an adapter records its refusals (e.g. a refused password): the engine's audit sink behind the same
     * bounded queue as token refusals, so recording never blocks or fails the request. A full queue drops the
     * event and counts it ({@link #refusalStats()}).
     *
     * @return a sink that queues events for the engine's audit sink and never blocks or throws
     */
    public AuditSink refusalAuditSink() {
        return auditor::auditRefusal;
    }

    /**
     * Counters of the token cache (hits, misses) and of the store reads it makes (count, time), for metrics.
     *
     * @return the cache's counters since the engine started
     */
    public LatchkeyStats stats() {
        return cache.stats();
    }

    /**
     * Counters of the refusal path (refusals, rate limiting, the audit queue), for metrics.
     *
     * @return the refusal path's counters since the engine started
     */
    public RefusalStats refusalStats() {
        return auditor.refusalStats();
    }

    /**
     * Writes refusal audit events now: closes the open aggregation window early (its summary events cover the
     * shorter span, as their {@code windowEnd} says) and waits up to 10 s until everything queued reached the
     * sink. For tests and shutdown hooks; otherwise the engine writes continuously.
     *
     * @return whether the queue drained within the wait
     */
    public boolean flushAudit() {
        return auditor.flushRefusals(10_000);
    }

    /** Writes pending last-use records now (they are otherwise written every flush interval). */
    public void flushLastUse() {
        lastUse.flush();
    }

    /**
     * Flushes pending last-use records, closes the current refusal window and writes every queued audit event
     * (waiting up to 10 s for a slow sink), then stops the background threads. Idempotent.
     */
    @Override
    public void close() {
        ChangeFeedFollower f = follower;
        if (f != null) {
            f.close();
        }
        if (nodeWatch != null) {
            nodeWatch.close();
        }
        background.close();
        bulkhead.close();
    }

    @Override
    public String toString() {
        return "Latchkey[" + authenticator + "]";
    }

    /**
     * Configures an engine. Each option may be set once; {@link #build()} checks the combination. Not
     * thread-safe.
     */
    public static final class Builder {
        TokenStore store;
        UserDirectory directory;
        AuditSink auditSink;
        Clock clock;
        Policy policy;
        RequestClassifier classifier;
        TokenFormat format;
        Digester digester;
        ClusterOptions cluster;
        ChangeBroadcaster broadcaster;
        Duration directoryCacheTtl;
        Duration lastUseFlushInterval;
        Long cacheMaximumSize;
        Boolean basicUsernameMustMatch;
        EngineSettings.Refusals failedAttemptLimit;
        Duration refusalWindow;
        Integer auditQueueCapacity;
        Boolean singleNode;
        Duration storeWait;
        String nodeName;
        Duration heartbeatInterval;
        dev.latchkey.spi.Notifier notifier;

        private Builder() {
        }

        /**
         * Where tokens are stored. Required. What the store must offer beyond {@link TokenStore}: {@link #build()}.
         *
         * @param store the token store
         * @return this builder
         * @throws NullPointerException  if {@code store} is null
         * @throws IllegalStateException if already set
         */
        public Builder store(TokenStore store) {
            this.store = SetOnce.set(this.store, store, "store");
            return this;
        }

        /**
         * The host's user directory. Required.
         *
         * @param directory the directory that says whether a user is active and which groups it is in
         * @return this builder
         * @throws NullPointerException  if {@code directory} is null
         * @throws IllegalStateException if already set
         */
        public Builder directory(UserDirectory directory) {
            this.directory = SetOnce.set(this.directory, directory, "directory");
            return this;
        }

        /**
         * Where audit events go. Default: {@link Slf4jAuditSink}.
         *
         * @param auditSink the sink for audit events
         * @return this builder
         * @throws NullPointerException  if {@code auditSink} is null
         * @throws IllegalStateException if already set
         */
        public Builder auditSink(AuditSink auditSink) {
            this.auditSink = SetOnce.set(this.auditSink, auditSink, "auditSink");
            return this;
        }

        /**
         * The clock for expiry, creation and last-use times. Default: the system UTC clock.
         *
         * @param clock the clock to read the time from
         * @return this builder
         * @throws NullPointerException  if {@code clock} is null
         * @throws IllegalStateException if already set
         */
        public Builder clock(Clock clock) {
            this.clock = SetOnce.set(this.clock, clock, "clock");
            return this;
        }

        /**
         * The policy to save when the store has none yet. Default: {@link Policy#defaults()}. A policy already
         * in the store wins (it is shared by every node and changed through {@link PolicyService}).
         *
         * @param policy the policy to start with
         * @return this builder
         * @throws NullPointerException  if {@code policy} is null
         * @throws IllegalStateException if already set
         */
        public Builder initialPolicy(Policy policy) {
            this.policy = SetOnce.set(this.policy, policy, "initialPolicy");
            return this;
        }

        /**
         * Decides what a request needs. Default: {@link GitAwareMethodClassifier}.
         *
         * @param classifier the classifier that tells what a request needs
         * @return this builder
         * @throws NullPointerException  if {@code classifier} is null
         * @throws IllegalStateException if already set
         */
        public Builder classifier(RequestClassifier classifier) {
            this.classifier = SetOnce.set(this.classifier, classifier, "classifier");
            return this;
        }

        /**
         * Token prefixes. Default: {@link TokenFormat#defaults()}.
         *
         * @param format the token format
         * @return this builder
         * @throws NullPointerException  if {@code format} is null
         * @throws IllegalStateException if already set
         */
        public Builder tokenFormat(TokenFormat format) {
            this.format = SetOnce.set(this.format, format, "tokenFormat");
            return this;
        }

        /**
         * Keys token digests with a server-side secret (HMAC-SHA-256 instead of SHA-256), so a stolen database
         * alone cannot be used to test guesses. The key id is stored with each digest. The pepper must be at
         * least 32 bytes. Changing it later makes existing tokens unknown.
         *
         * @param keyId the key id stored with each digest: 1-32 letters, digits, {@code _} or {@code -}
         * @param pepper the secret key, at least 32 random bytes
         * @return this builder
         * @throws IllegalArgumentException if {@code keyId} or {@code pepper} breaks these rules
         * @throws IllegalStateException    if already set
         */
        public Builder pepper(String keyId, byte[] pepper) {
            SetOnce.checkSecret(this.digester, "pepper");
            this.digester = Digester.hmacSha256(keyId, pepper); // checks both
            return this;
        }

        /**
         * Keep caches in step with other nodes sharing the store, with these options. Default: with
         * {@link ClusterOptions#defaults()} for a store that several nodes can share (see {@link #build()}), unless
         * {@link #singleNode()}.
         *
         * @param options how to follow the store's change feed
         * @return this builder
         * @throws IllegalStateException if already set
         * @throws NullPointerException if {@code options} is null
         */
        public Builder cluster(ClusterOptions options) {
            this.cluster = SetOnce.set(this.cluster, options, "cluster");
            return this;
        }

        /**
         * Declares this engine the only one using its store: it does not follow the change feed (saving a poll
         * every 500 ms). The declaration is checked: when the store keeps a node registry and another live node
         * shows up in it, the engine warns at once and every few minutes and follows the feed anyway
         * ({@link ClusterState.Mode#FOLLOWING_DESPITE_SINGLE_NODE}).
         *
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder singleNode() {
            SetOnce.check(this.singleNode, "singleNode");
            this.singleNode = Boolean.TRUE;
            return this;
        }

        /**
         * How long a request waits for a store read it needs (a token not in the cache, or every token while the
         * caches are not trusted) before it is refused with {@link RefusalReason#STORE_UNAVAILABLE} (HTTP 503).
         * Such reads run on a few threads of the engine's own ({@value StoreBulkhead#THREADS}), so a hanging store
         * never holds the host's request threads longer than this. Default 2 s.
         *
         * @param wait the longest wait for a store read
         * @return this builder
         * @throws IllegalArgumentException outside 10 ms..60 s
         * @throws IllegalStateException    if already set
         * @throws NullPointerException if {@code wait} is null
         */
        public Builder storeWait(Duration wait) {
            SetOnce.check(this.storeWait, "storeWait");
            this.storeWait = SetOnce.within("storeWait", wait, Duration.ofMillis(10), Duration.ofSeconds(60),
                    "10ms..60s");
            return this;
        }

        /**
         * This node's name in the store's node registry and in log lines. Default: the host name, the process id
         * and a random suffix.
         *
         * @param name the node name
         * @return this builder
         * @throws IllegalArgumentException if not 1-64 characters from {@code [A-Za-z0-9._:-]}
         * @throws IllegalStateException    if already set
         * @throws NullPointerException if {@code name} is null
         */
        public Builder nodeName(String name) {
            SetOnce.check(this.nodeName, "nodeName");
            this.nodeName = NodeRegistry.checkNodeId(Objects.requireNonNull(name, "name"));
            return this;
        }

        /**
         * How often this node writes its heartbeat to a store that keeps a node registry; a node is gone after
         * three missed heartbeats. Default 10 s.
         *
         * @param interval the time between two heartbeats
         * @return this builder
         * @throws IllegalArgumentException outside 100 ms..5 min
         * @throws IllegalStateException    if already set
         * @throws NullPointerException if {@code interval} is null
         */
        public Builder heartbeatInterval(Duration interval) {
            SetOnce.check(this.heartbeatInterval, "heartbeatInterval");
            this.heartbeatInterval = SetOnce.within("heartbeatInterval", interval, Duration.ofMillis(100),
                    Duration.ofMinutes(5), "100ms..5min");
            return this;
        }

        /**
         * Immediate cluster-wide invalidation through the host's messaging. Needs a node that follows the feed.
         *
         * @param broadcaster the host's messaging, told of every change this node makes
         * @return this builder
         * @throws NullPointerException  if {@code broadcaster} is null
         * @throws IllegalStateException if already set
         */
        public Builder changeBroadcaster(ChangeBroadcaster broadcaster) {
            this.broadcaster = SetOnce.set(this.broadcaster, broadcaster, "changeBroadcaster");
            return this;
        }

        /**
         * How long directory answers (active, groups) are cached. Default 2 s; with {@link #cluster} never
         * longer than the staleness bound.
         *
         * @param ttl how long a directory answer is reused; zero turns the cache off
         * @return this builder
         * @throws NullPointerException     if {@code ttl} is null
         * @throws IllegalArgumentException if {@code ttl} is negative
         * @throws IllegalStateException    if already set
         */
        public Builder directoryCacheTtl(Duration ttl) {
            SetOnce.check(this.directoryCacheTtl, "directoryCacheTtl");
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative()) {
                throw new IllegalArgumentException("directoryCacheTtl must not be negative, was " + ttl);
            }
            this.directoryCacheTtl = ttl;
            return this;
        }

        /**
         * How often last-use records are written. Default 5 s.
         *
         * @param interval the time between two writes of last-use records
         * @return this builder
         * @throws NullPointerException     if {@code interval} is null
         * @throws IllegalArgumentException if {@code interval} is shorter than 10 ms
         * @throws IllegalStateException    if already set
         */
        public Builder lastUseFlushInterval(Duration interval) {
            SetOnce.check(this.lastUseFlushInterval, "lastUseFlushInterval");
            Objects.requireNonNull(interval, "interval");
            if (interval.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("lastUseFlushInterval must be at least 10ms, was " + interval);
            }
            this.lastUseFlushInterval = interval;
            return this;
        }

        /**
         * The most token records cached. Default 100,000.
         *
         * @param size the most records in the token cache
         * @return this builder
         * @throws IllegalArgumentException if {@code size} is less than 1
         * @throws IllegalStateException    if already set
         */
        public Builder cacheMaximumSize(long size) {
            SetOnce.check(this.cacheMaximumSize, "cacheMaximumSize");
            this.cacheMaximumSize = SetOnce.within("cacheMaximumSize", size, 1, Long.MAX_VALUE, ">= 1");
            return this;
        }

        /**
         * Whether a personal token sent as a Basic password needs the owner's name as the Basic user name.
         * Default true. Service tokens always need {@link #SERVICE_BASIC_USERNAME} ({@code x-token-auth}).
         *
         * @param mustMatch true to require the owner's name as the Basic user name of a personal token
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder basicUsernameMustMatch(boolean mustMatch) {
            SetOnce.check(this.basicUsernameMustMatch, "basicUsernameMustMatch");
            this.basicUsernameMustMatch = mustMatch;
            return this;
        }

        /**
         * Limits failed authentication attempts per client address: after {@code failures} failures (a token
         * bucket refilled evenly over {@code per}), every attempt from that address that presents a credential is
         * refused with {@link RefusalReason#RATE_LIMITED} (HTTP 429 with {@code Retry-After}) without a lookup,
         * even with a valid token, until the bucket refills. Other addresses are never affected. IPv6 addresses
         * count per /64; an unknown address is one bucket of its own. At most 100,000 addresses are tracked
         * (least useful evicted). Failures are refusals that say something about the credential (unknown,
         * malformed, revoked, expired, wrong user, IP, owner), not {@code insufficient_scope} and not storage
         * failures. Default: 20 per minute.
         *
         * @param failures the failures an address may make before it is refused (the bucket's size)
         * @param per the time over which the bucket refills completely
         * @return this builder
         * @throws IllegalArgumentException if {@code failures} is not 1..1,000,000 or {@code per} not 1 s..1 day
         * @throws IllegalStateException    if this or {@link #noFailedAttemptLimit()} was already set
         * @throws NullPointerException if {@code per} is null
         */
        public Builder failedAttemptLimit(int failures, Duration per) {
            SetOnce.check(this.failedAttemptLimit, "failedAttemptLimit");
            Objects.requireNonNull(per, "per");
            SetOnce.within("failedAttemptLimit failures", failures, 1, 1_000_000, "1..1000000");
            SetOnce.within("failedAttemptLimit per", per, Duration.ofSeconds(1), Duration.ofDays(1), "1s..1d");
            this.failedAttemptLimit = new EngineSettings.Refusals(failures, per, null, 0);
            return this;
        }

        /**
         * Turns the failed-attempt limit off (e.g. behind a gateway that limits already). Guessing then costs an
         * attacker nothing but requests.
         *
         * @return this builder
         * @throws IllegalStateException if this or {@link #failedAttemptLimit} was already set
         */
        public Builder noFailedAttemptLimit() {
            SetOnce.check(this.failedAttemptLimit, "failedAttemptLimit");
            this.failedAttemptLimit = new EngineSettings.Refusals(0, Duration.ofMinutes(1), null, 0);
            return this;
        }

        /**
         * The window over which refusals that name no known token (malformed, unknown, rate-limited) are folded
         * into one audit event per client address and reason, with the count ({@code details.count},
         * {@code windowStart}, {@code windowEnd}); also the interval of the INFO summary of refusals and of the
         * reports of audit trouble. Default 60 s.
         *
         * @param window the aggregation window
         * @return this builder
         * @throws IllegalArgumentException outside 1 s..1 h
         * @throws IllegalStateException    if already set
         * @throws NullPointerException if {@code window} is null
         */
        public Builder refusalWindow(Duration window) {
            SetOnce.check(this.refusalWindow, "refusalWindow");
            this.refusalWindow = SetOnce.within("refusalWindow", window, Duration.ofSeconds(1), Duration.ofHours(1), "1s..1h");
            return this;
        }

        /**
         * How many refusal events may wait for the audit sink. A full queue drops further events and counts them
         * ({@link Latchkey#refusalStats()}, a WARN per window) rather than slow requests down. Default 10,000.
         *
         * @param capacity the most refusal events waiting for the sink
         * @return this builder
         * @throws IllegalArgumentException outside 16..10,000,000
         * @throws IllegalStateException    if already set
         */
        public Builder auditQueueCapacity(int capacity) {
            SetOnce.check(this.auditQueueCapacity, "auditQueueCapacity");
            this.auditQueueCapacity = (int) SetOnce.within("auditQueueCapacity", capacity, 16, 10_000_000, "16..10000000");
            return this;
        }

        /**
         * Who tells token owners about tokens created on their behalf, revoked by someone else or revoked as
         * leaked (issue 14; expiry notices come from {@link ExpiryNotices}). Default: {@link Slf4jNotifier}.
         *
         * @param notifier the notifier for token owners
         * @return this builder
         * @throws IllegalStateException if already set
         * @throws NullPointerException if {@code notifier} is null
         */
        public Builder notifier(dev.latchkey.spi.Notifier notifier) {
            this.notifier = SetOnce.set(this.notifier, notifier, "notifier");
            return this;
        }

        /**
         * Builds the engine, loading (or saving the initial) policy from the store.
         *
         * <p>The engine follows other nodes' changes when {@link #cluster} was set, or by default when the store
         * can be shared (it is a {@link dev.latchkey.spi.ChangeFeed} or a {@link NodeRegistry}, and not the
         * in-memory store) and {@link #singleNode()} was not declared; a node declared single-node over a store
         * with a {@link NodeRegistry} may start following later. Such a node needs the store to be a
         * {@link dev.latchkey.spi.ChangeFeed} and a {@link dev.latchkey.spi.PolicyStore}.
         *
         * @return the engine, ready to use; close it when the host stops
         * @throws IllegalStateException if the store or directory is missing, if options contradict, or if the
         *                               engine may follow other nodes' changes and the store lacks one of those
         *                               capabilities (the message names it and says why it is needed)
         */
        public Latchkey build() {
            return LatchkeyAssembly.build(this);
        }
    }
}
