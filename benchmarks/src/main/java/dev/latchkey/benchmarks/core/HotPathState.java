package dev.latchkey.benchmarks.core;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.benchmarks.CountingAuditSink;
import dev.latchkey.benchmarks.CountingTokenStore;
import dev.latchkey.benchmarks.Scenario;
import dev.latchkey.benchmarks.TokenText;
import dev.latchkey.core.Actor;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.bitbucket.BitbucketRequestClassifier;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One engine as a host would build it (in-memory store, Bitbucket classifier, default policy and caches),
 * one READ token created through the engine, and the request of {@link Scenario}. The token is authenticated
 * once in setup, so every measured call is a cache hit: the hot path. Shared by all benchmark threads, as an
 * engine is in a host.
 *
 * <p>Allowed requests note their last use in memory (a map lookup; a new entry at most once a second per
 * token and IP) and the engine writes those to the store every 5 s on its own thread: one record per flush
 * here, so the flush cannot dominate, and the in-memory part is measured as part of the hot path.
 */
@State(Scope.Benchmark)
public class HotPathState {
    /** Tokens in the floor's map besides the valid one, so the lookup is not into a one-entry table. */
    static final int FLOOR_ENTRIES = 10_000;

    /**
     * {@code single}: the engine declared single-node, as every engine was before the safe default (issue 18) and
     * as the baseline c68974a measured; {@code following}: the default for a store that offers a change feed
     * (this counting wrapper does): the engine follows the feed, so each request also checks cache trust.
     */
    @Param({"single", "following"})
    public String node = "single";

    public Latchkey latchkey;
    public Authenticator authenticator;
    public CountingTokenStore store;
    public CountingAuditSink audit;
    public String token;
    public Credential valid;
    public RequestFacts request;
    /** Not token-shaped at all: refused by the format check. */
    public Credential madeUp;
    /** Token-shaped, with a wrong checksum: refused by the checksum. */
    public Credential wrongChecksum;
    /** The floor's "store": digest to record, as a home-grown store would keep it. */
    public ConcurrentHashMap<String, Object> floorMap;

    @Setup(Level.Trial)
    public void setUp() {
        store = new CountingTokenStore(new InMemoryTokenStore());
        audit = new CountingAuditSink();
        InMemoryUserDirectory directory = new InMemoryUserDirectory().add(Scenario.OWNER, "developers");
        Latchkey.Builder builder = Latchkey.builder();
        if (node.equals("single")) {
            builder.singleNode();
        }
        latchkey = builder
                .store(store)
                .directory(directory)
                .auditSink(audit)
                .classifier(new BitbucketRequestClassifier())
                .build();
        IssuedToken issued = latchkey.tokens().create(Actor.user(Scenario.OWNER),
                NewToken.builder("ci", Scenario.SCOPE.level())
                        .resources(Scenario.SCOPE.resources())
                        .allowedCidrs(Scenario.TOKEN_CIDRS)
                        .build());
        authenticator = latchkey.authenticator();
        token = issued.secret().reveal();
        valid = Credential.bearer(token);
        request = Scenario.REQUEST;
        madeUp = Credential.bearer("Zm9vYmFyLWJhei1xdXV4LTEyMzQ1Njc4OTAtYWJj");
        wrongChecksum = Credential.bearer(TokenText.withWrongChecksum(token));

        Decision first = authenticator.authenticate(valid, request);
        if (!first.isAllowed()) {
            throw new IllegalStateException("the hot-path token is refused: " + first);
        }

        floorMap = new ConcurrentHashMap<>();
        Random random = new Random(42);
        var sha = TokenText.sha256();
        for (int i = 0; i < FLOOR_ENTRIES; i++) {
            floorMap.put(TokenText.sha256Hex(sha, TokenText.personal(random)), Boolean.TRUE);
        }
        floorMap.put(TokenText.sha256Hex(sha, token), issued.record());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (latchkey != null) {
            latchkey.close();
        }
    }
}
