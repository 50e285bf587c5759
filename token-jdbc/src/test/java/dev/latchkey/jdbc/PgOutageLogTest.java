package dev.latchkey.jdbc;

import static dev.latchkey.jdbc.PgEngineFixture.auth;
import static dev.latchkey.jdbc.PgEngineFixture.create;
import static dev.latchkey.jdbc.PgEngineFixture.millisUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.core.Actor;
import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.ClusterState;
import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.jdbc.faults.FaultyTcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issues 17 and 18 together on real PostgreSQL (skipped without it): node B follows the change feed by default
 * (nobody configured a cluster), audits into {@link JdbcAuditLog} on the same database path, and that path hangs
 * for 20 s (existing connections freeze, new ones are never answered) under 16 client threads while node A, on
 * a healthy path, revokes a token B has cached.
 * <ul>
 *   <li>Fail closed within the bound: no token is allowed on B once its last good poll is older than the bound;
 *       every token request is then refused with {@code STORE_UNAVAILABLE} within the store wait; garbage is
 *       refused without the store at its normal latency; B serves again by itself once the database answers,
 *       and the token revoked during the outage stays refused.</li>
 *   <li>The log holds a handful of lines, not one per request: each state change once (poll failing and
 *       succeeding, trust lost with the cause and the age of the last good poll, trust regained, lag, heartbeat),
 *       audit-sink failures and the refusal summary once per refusal window with a count.</li>
 * </ul>
 */
class PgOutageLogTest {
    private static final long OUTAGE_SECONDS = 20;
    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final long WAIT_MS = 2_000;
    private static final long SLACK_MS = 1_200;
    /** A line of slf4j-simple from one of Latchkey's loggers (not a stack-trace line of another library's). */
    private static final Pattern ENGINE_LINE = Pattern.compile("^\\[[^\\]]+\\] (TRACE|DEBUG|INFO|WARN|ERROR) dev\\.latchkey\\.");
    private static final Pattern COUNTED = Pattern.compile("the audit sink failed; audit events lost: \\d+ since the last report");

    private PgEngineFixture fx;

    @AfterEach
    void close() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    /** A decision made during the outage: when it started (ms after the hang began), how long it took, what. */
    private record Sample(String kind, long startMs, long tookMs, Decision decision) {
    }

    /**
     * What the outage's decisions add up to, kept as counts and the first offenders of each rule rather than every
     * sample: 16 threads on a cached token make millions of decisions in 20 s, and holding them all once filled the
     * heap enough for collector pauses of a second, long enough to be mistaken for the engine's own delays.
     */
    private static final class Tally {
        private final long bound;
        final AtomicInteger total = new AtomicInteger();
        final AtomicInteger storeRefusals = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong lastAllowed = new java.util.concurrent.atomic.AtomicLong(-1);
        final ConcurrentLinkedQueue<Sample> wrong = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Sample> allowedPastBound = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Sample> slow = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Sample> slowGarbage = new ConcurrentLinkedQueue<>();

        Tally(long bound) {
            this.bound = bound;
        }

        void add(Sample s) {
            total.incrementAndGet();
            Decision d = s.decision();
            boolean storeRefused = d instanceof Decision.Refused r && r.reason() == RefusalReason.STORE_UNAVAILABLE;
            if (storeRefused) {
                storeRefusals.incrementAndGet();
            }
            boolean isWrong = switch (s.kind()) {
                case "garbage" -> !(d instanceof Decision.Refused r && r.reason() == RefusalReason.MALFORMED);
                case "uncached" -> !storeRefused;
                default -> !d.isAllowed() && !storeRefused;
            };
            long endMs = s.startMs() + s.tookMs();
            keep(wrong, isWrong, s);
            keep(allowedPastBound, d.isAllowed() && endMs > bound + 100, s);
            keep(slow, s.tookMs() >= WAIT_MS + SLACK_MS, s);
            keep(slowGarbage, s.kind().equals("garbage") && s.tookMs() >= WAIT_MS, s);
            if (d.isAllowed()) {
                lastAllowed.accumulateAndGet(endMs, Math::max);
            }
        }

        private static void keep(ConcurrentLinkedQueue<Sample> offenders, boolean offends, Sample s) {
            if (offends && offenders.size() < 10) {
                offenders.add(s);
            }
        }
    }

    /** Counts what reaches java.util.logging (where Caffeine logs) at WARNING and above. */
    private static final class JulCount extends Handler {
        final ConcurrentLinkedQueue<String> records = new ConcurrentLinkedQueue<>();

        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                records.add(r.getLoggerName() + ": " + r.getMessage());
            }
        }

        @Override public void flush() { }
        @Override public void close() { }
    }

    @Test
    void databaseHangs20sUnderLoadOnAFollowingNodeThenFailClosedWithinTheBoundRecoversAndLogsAHandfulOfLines()
            throws Exception {
        fx = new PgEngineFixture();
        long bound = ClusterOptions.defaults().stalenessBound().toMillis();
        FaultyTcpProxy proxy = fx.proxy();
        HikariDataSource poolB = fx.pool(proxy, "b");
        Latchkey b = fx.node(poolB, fx.auditLog(poolB), o -> o.nodeName("pg-b").refusalWindow(WINDOW).noFailedAttemptLimit());
        Latchkey a = fx.node(fx.db.dataSource, e -> { }, o -> o.nodeName("pg-a").noFailedAttemptLimit());
        assertThat(b.clusterState().mode()).isEqualTo(ClusterState.Mode.FOLLOWING);
        IssuedToken cached = create(a, 0, "cached");
        IssuedToken revokedDuring = create(a, 1, "revoked-during");
        List<IssuedToken> uncached = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            uncached.add(create(a, 2 + i % 4, "uncached-" + i));
        }
        List<IssuedToken> afterwards = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            afterwards.add(create(a, 6 + i % 4, "afterwards-" + i));
        }
        Credential garbage = Credential.bearer("not-a-token-at-all");
        assertThat(auth(b, cached).isAllowed()).isTrue();
        assertThat(auth(b, revokedDuring).isAllowed()).isTrue();
        assertThat(auth(b, garbage)).isInstanceOf(Decision.Refused.class);
        millisUntil(() -> b.clusterState().trusted() && b.clusterState().lag().toMillis() < bound / 2, 10_000);

        PgEngineFixture.LogCapture log = new PgEngineFixture.LogCapture();
        JulCount jul = new JulCount();
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(jul);
        log.start();
        List<String> lines;
        Tally samples = new Tally(bound);
        long recoveredMs;
        long revokedRefusedMs;
        try {
            proxy.hang();
            proxy.freezeAll();
            long hangStart = System.nanoTime();
            long end = hangStart + TimeUnit.SECONDS.toNanos(OUTAGE_SECONDS);
            ExecutorService threads = Executors.newFixedThreadPool(16);
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int kind = t < 6 ? 0 : t < 12 ? 1 : 2; // 6 uncached, 6 cached (two tokens), 4 garbage
                done.add(threads.submit(() -> {
                    int i = 0;
                    while (System.nanoTime() < end) {
                        long s = System.nanoTime();
                        Decision d;
                        String what;
                        if (kind == 0) {
                            what = "uncached";
                            d = auth(b, uncached.get(next.getAndIncrement() % uncached.size()));
                        } else if (kind == 1) {
                            what = i++ % 2 == 0 ? "cached" : "revoked-during";
                            d = auth(b, what.equals("cached") ? cached : revokedDuring);
                        } else {
                            what = "garbage";
                            d = auth(b, garbage);
                        }
                        long now = System.nanoTime();
                        samples.add(new Sample(what, TimeUnit.NANOSECONDS.toMillis(s - hangStart),
                                TimeUnit.NANOSECONDS.toMillis(now - s), d));
                    }
                    return null;
                }));
            }
            // a quarter into the outage, node A (healthy path) revokes a token B has cached
            Thread.sleep(TimeUnit.SECONDS.toMillis(OUTAGE_SECONDS) / 4);
            a.tokens().revoke(Actor.user(PgEngineFixture.user(1)), revokedDuring.record().id(), "revoked during the outage");
            for (Future<?> f : done) {
                f.get(TimeUnit.SECONDS.toMillis(OUTAGE_SECONDS) + WAIT_MS + SLACK_MS + 5_000, TimeUnit.MILLISECONDS);
            }
            threads.shutdownNow();

            // the database answers again
            proxy.pass();
            proxy.thawAll();
            proxy.answerHeld();
            long healed = System.nanoTime();
            millisUntil(() -> b.clusterState().trusted() && auth(b, cached).isAllowed(), 15_000);
            recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);
            revokedRefusedMs = recoveredMs;
            assertThat(auth(b, revokedDuring)).as("revoked during the outage, refused after it")
                    .extracting(d -> ((Decision.Refused) d).reason()).isEqualTo(RefusalReason.REVOKED);
            for (IssuedToken t : afterwards) {
                assertThat(auth(b, t).isAllowed()).as("full service after recovery").isTrue();
            }
            // one refusal window more, so the last periodic reports are in the log too
            Thread.sleep(WINDOW.toMillis() + 1_500);
        } finally {
            lines = log.stop();
            root.removeHandler(jul);
        }

        // ---- fail closed within the bound, refused within the wait, garbage unaffected ----
        long storeRefusals = samples.storeRefusals.get();
        long lastAllowed = samples.lastAllowed.get();

        // ---- the log ----
        List<String> engine = lines.stream().filter(l -> ENGINE_LINE.matcher(l).find()).toList();
        List<String> perRequestNoise = lines.stream().filter(l -> l.contains("Exception thrown during asynchronous load")).toList();
        List<String> hikari = lines.stream().filter(l -> l.contains(" com.zaxxer.hikari.")).toList();
        System.out.println("[latchkey-test] PostgreSQL hung " + OUTAGE_SECONDS + " s on a following node under 16 threads: "
                + samples.total.get() + " decisions, " + storeRefusals + " STORE_UNAVAILABLE, last token allowed " + lastAllowed
                + " ms into the outage (bound " + bound + " ms); back " + recoveredMs + " ms after the database answered; "
                + engine.size() + " Latchkey log lines, " + jul.records.size() + " java.util.logging warnings, " + hikari.size()
                + " HikariCP lines (the host's pool; the first: " + hikari.stream().findFirst().orElse("-") + "). Latchkey's:");
        engine.forEach(l -> System.out.println("[latchkey-test]   " + l));

        assertThat(samples.wrong).as("unexpected decisions").isEmpty();
        assertThat(samples.allowedPastBound).as("tokens allowed after the bound had passed since the last good poll").isEmpty();
        assertThat(samples.slow).as("decisions that took longer than the store wait").isEmpty();
        assertThat(samples.slowGarbage).as("store-free requests that waited for the store").isEmpty();
        assertThat(storeRefusals).isGreaterThan(50);
        assertThat(recoveredMs).as("back in cached mode after the database answers, ms").isLessThan(bound + 1_000);
        assertThat(revokedRefusedMs).isLessThan(bound + 1_000);

        assertThat(perRequestNoise).as("per-request log lines").isEmpty();
        assertThat(jul.records).as("java.util.logging warnings (Caffeine logs failed loads there)").isEmpty();
        assertThat(engine.stream().filter(l -> l.contains("cache trust lost")).toList()).singleElement()
                .satisfies(l -> assertThat(l).contains("cause:", "was last read", "ms ago")
                        .containsAnyOf("StoreUnavailableException", "none has finished within the bound"));
        assertThat(engine.stream().filter(l -> l.contains("cache trust regained"))).hasSize(1);
        assertThat(engine.stream().filter(l -> l.contains("change-feed poll failed"))).hasSize(1);
        assertThat(engine.stream().filter(l -> l.contains("change-feed polls succeed again"))).hasSize(1);
        long windows = OUTAGE_SECONDS / WINDOW.toSeconds() + 3;
        List<String> auditFailures = engine.stream().filter(l -> l.contains("the audit sink failed")).toList();
        // a hung database makes an audit batch wait for the driver's time-out rather than fail, so whether a failure
        // (and its report) falls inside the outage depends on where the batch was when the path froze: the rule
        // checked here is the one the issue states, at most one report per window and each with its count
        // (RefusalFloodTest.addWhenAuditSinkFailsOnEveryEventThenOneLinePerIntervalWithTheCount checks that failures are
        // reported at all)
        assertThat(auditFailures).as("audit-sink failures, reported once per window")
                .hasSizeLessThanOrEqualTo((int) windows)
                .allSatisfy(l -> assertThat(l).containsPattern(COUNTED));
        assertThat(engine.stream().filter(l -> l.contains("token attempts in the last")).count())
                .as("refusal summaries").isLessThanOrEqualTo(windows);
        // state changes once each (8 kinds at most) and four kinds of periodic report (audit failures, a full
        // audit queue, the last-use flush, the refusal summary), each at most once per window
        assertThat(engine).as("Latchkey's log for %s requests", samples.total.get()).hasSizeLessThanOrEqualTo((int) (8 + 4 * windows));
    }
}
