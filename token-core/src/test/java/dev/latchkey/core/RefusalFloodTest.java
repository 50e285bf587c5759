package dev.latchkey.core;

import dev.latchkey.core.internal.audit.AsyncAuditor;
import dev.latchkey.core.internal.audit.FailedAttemptLimiter;
import dev.latchkey.core.internal.audit.IntervalCounter;
import dev.latchkey.core.internal.audit.RefusalAggregator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditSink;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.TokenKind;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The refusal path under flood (issue 10, section 6): aggregation, the async audit queue, the attempt limiter. */
class RefusalFloodTest {

    private static final String[] SOURCES = {"198.51.100.1", "198.51.100.2", "203.0.113.7", "2001:db8::66"};

    private static long sumOfCounts(List<AuditEvent> events) {
        return events.stream().mapToLong(e -> Long.parseLong(e.details().getOrDefault("count", "1"))).sum();
    }

    /** Half made-up tokens with a valid checksum (distinct each time), half plain garbage. */
    private static Decision garbage(Fixture f, int i) {
        String token = i % 2 == 0 ? TokenFormat.defaults().generate(TokenKind.PERSONAL).reveal() : "x" + i;
        return f.latchkey.authenticator().authenticate(Credential.bearer(token),
                RequestFacts.of("GET", "/rest/api/1.0/projects", SOURCES[i % SOURCES.length]));
    }

    @Test
    void authenticateWhenFloodOf100kGarbageThenAuditEventsGrowWithWindowsTimesSourcesNotRequests() {
        try (Fixture f = Fixture.with(Latchkey.Builder::noFailedAttemptLimit)) {
            int windows = 5;
            int perWindow = 20_000;
            for (int w = 0; w < windows; w++) {
                for (int i = 0; i < perWindow; i++) {
                    assertThat(garbage(f, i).isAllowed()).isFalse();
                }
                f.clock.advance(Duration.ofSeconds(60));
            }
            f.flushAudit();
            List<AuditEvent> refused = f.audit.ofType(AuditEventType.AUTHENTICATION_REFUSED);
            // one event per window x source x reason (MALFORMED, UNKNOWN), each with the count
            assertThat(refused).hasSizeLessThanOrEqualTo(windows * SOURCES.length * 2).hasSizeGreaterThanOrEqualTo(windows * SOURCES.length);
            assertThat(sumOfCounts(refused)).isEqualTo((long) windows * perWindow);
            AuditEvent e = refused.get(0);
            assertThat(e.actor()).isEqualTo("anonymous");
            assertThat(e.details()).containsKeys("count", "windowStart", "windowEnd", "samplePath");
            assertThat(Duration.between(Instant.parse(e.details().get("windowStart")), Instant.parse(e.details().get("windowEnd"))))
                    .isEqualTo(Duration.ofSeconds(60));
            assertThat(f.latchkey.refusalStats().refusals()).isEqualTo((long) windows * perWindow);
        }
    }

    @Test
    void authenticateWhenFloodWithDefaultLimitThenLookupsStopAndRowsStayPerSource() {
        try (Fixture f = new Fixture()) {
            int before = f.store.lookups.get();
            for (int i = 0; i < 100_000; i++) {
                garbage(f, i);
            }
            // 20 failures per source are looked up (only the made-up half reaches the store), then no more
            assertThat(f.store.lookups.get() - before).isLessThanOrEqualTo(20 * SOURCES.length);
            f.flushAudit();
            List<AuditEvent> refused = f.audit.ofType(AuditEventType.AUTHENTICATION_REFUSED);
            assertThat(refused).hasSizeLessThanOrEqualTo(SOURCES.length * 3); // MALFORMED, UNKNOWN, RATE_LIMITED
            assertThat(sumOfCounts(refused)).isEqualTo(100_000);
            assertThat(refused).anySatisfy(e -> assertThat(e.reason()).contains("RATE_LIMITED"));
        }
    }

    @Test
    void authenticateWhenAddressFailedTooOftenThenRateLimitedWithoutLookupAndOtherAddressesUnaffected() {
        try (Fixture f = Fixture.with(b -> b.failedAttemptLimit(5, Duration.ofMinutes(1)))) {
            IssuedToken valid = f.create("alice", AccessLevel.READ);
            String attacker = "198.51.100.9";
            for (int i = 0; i < 5; i++) {
                assertThat(Fixture.reason(f.auth(valid, "GET", "/x", "", attacker))).isNull();
                f.latchkey.authenticator().authenticate(Credential.bearer("garbage" + i), RequestFacts.of("GET", "/x", attacker));
            }
            int lookups = f.store.lookups.get();
            Decision d = f.latchkey.authenticator().authenticate(
                    Credential.bearer(TokenFormat.defaults().generate(TokenKind.PERSONAL).reveal()), RequestFacts.of("GET", "/x", attacker));
            assertThat(Fixture.reason(d)).isEqualTo(RefusalReason.RATE_LIMITED);
            assertThat(((Decision.Refused) d).retryAfter()).contains(Duration.ofSeconds(12));
            assertThat(f.store.lookups.get()).isEqualTo(lookups); // no lookup for a limited address
            // a token this node already holds, active, in its cache is still served (no store read): clients
            // behind the same NAT as the attacker keep working; an uncached one waits, even if it is valid
            assertThat(f.auth(valid, "GET", "/x", "", attacker).isAllowed()).isTrue();
            assertThat(f.store.lookups.get()).isEqualTo(lookups);
            IssuedToken uncached = f.create("alice", AccessLevel.READ);
            assertThat(Fixture.reason(f.auth(uncached, "GET", "/x", "", attacker))).isEqualTo(RefusalReason.RATE_LIMITED);
            assertThat(f.store.lookups.get()).isEqualTo(lookups);
            // every other address is unaffected
            assertThat(f.auth(valid, "GET", "/x", "", "10.1.2.4").isAllowed()).isTrue();
            assertThat(f.auth(valid, "GET", "/x", "", "").isAllowed()).isTrue();
            // a revoked token, even one in the cache, waits (its refusal is a failed attempt, aggregated)
            f.latchkey.tokens().revoke(Actor.user("alice"), valid.record().id(), "test");
            assertThat(Fixture.reason(f.auth(valid, "GET", "/x", "", attacker))).isEqualTo(RefusalReason.RATE_LIMITED);
            // the bucket refills: one attempt per 12 s
            f.clock.advance(Duration.ofSeconds(12));
            assertThat(f.auth(uncached, "GET", "/x", "", attacker).isAllowed()).isTrue();
            assertThat(f.latchkey.refusalStats().rateLimited()).isEqualTo(3);
        }
    }

    @Test
    void authenticateWhenScopeRefusedOrStoreDownThenNotCountedAsFailedAttempts() {
        try (Fixture f = Fixture.with(b -> b.failedAttemptLimit(2, Duration.ofMinutes(1)))) {
            IssuedToken read = f.create("alice", AccessLevel.READ);
            for (int i = 0; i < 10; i++) {
                assertThat(Fixture.reason(f.auth(read, "POST", "/x"))).isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
            }
            f.store.down.set(true);
            String other = TokenFormat.defaults().generate(TokenKind.PERSONAL).reveal();
            for (int i = 0; i < 10; i++) {
                Decision d = f.latchkey.authenticator().authenticate(Credential.bearer(other), RequestFacts.of("GET", "/x", "10.1.2.3"));
                assertThat(Fixture.reason(d)).isEqualTo(RefusalReason.STORE_UNAVAILABLE);
            }
            f.store.down.set(false);
            assertThat(f.auth(read, "GET", "/x").isAllowed()).isTrue();
        }
    }

    @Test
    void failedWhenAttackerRotatesAddressesWithinOneIpv6Slash64ThenOneBucket() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        FailedAttemptLimiter limiter = new FailedAttemptLimiter(clock, 3, Duration.ofMinutes(1), 1000);
        limiter.failed("2001:db8:1:2::1");
        limiter.failed("2001:db8:1:2:ffff::9");
        limiter.failed("[2001:db8:1:2:abcd::1]");
        assertThat(limiter.waitMillis("2001:db8:1:2::77")).isPositive();
        assertThat(limiter.waitMillis("2001:db8:1:3::1")).isZero();
        // IPv4-mapped IPv6 is the IPv4 address, not its /64
        limiter.failed("::ffff:192.0.2.1");
        assertThat(limiter.waitMillis("::ffff:192.0.2.2")).isZero();
    }

    @Test
    void tickWhenEveryLimitRanOutThenAddressesAdmittedAndLimitedAgainOnNewFailures() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        FailedAttemptLimiter limiter = new FailedAttemptLimiter(clock, 2, Duration.ofMinutes(1), 1000);
        limiter.failed("10.0.0.1");
        limiter.failed("10.0.0.1");
        limiter.tick();
        assertThat(limiter.waitMillis("10.0.0.1")).isEqualTo(30_000); // still limited: the tick keeps the mark
        clock.advance(Duration.ofSeconds(30));
        limiter.tick();
        assertThat(limiter.waitMillis("10.0.0.1")).isZero();
        limiter.failed("10.0.0.1"); // one failure left after the refill was used: limited again
        assertThat(limiter.waitMillis("10.0.0.1")).isEqualTo(30_000);
    }

    @Test
    void failedWhenClientAddressUnknownThenItsOwnBucket() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        FailedAttemptLimiter limiter = new FailedAttemptLimiter(clock, 2, Duration.ofMinutes(1), 1000);
        limiter.failed("");
        limiter.failed("");
        assertThat(limiter.waitMillis("")).isEqualTo(30_000);
        assertThat(limiter.waitMillis("10.0.0.1")).isZero();
        assertThat(limiter.waitMillis("invalid")).isZero();
    }

    @Test
    void failedWhenOneMillionDistinctAddressesThenLimiterMemoryBounded() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        FailedAttemptLimiter limiter = new FailedAttemptLimiter(clock, 20, Duration.ofMinutes(1), 10_000);
        for (int i = 0; i < 1_000_000; i++) {
            limiter.failed("10." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff));
        }
        assertThat(limiter.trackedAddresses()).isLessThanOrEqualTo(10_000);
    }

    @Test
    void addWhenOneMillionDistinctAddressesInOneWindowThenKeysCappedAndRestInOtherSources() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        List<AuditEvent> out = new ArrayList<>();
        RefusalAggregator agg = new RefusalAggregator(clock, 60_000, 1000, out::add);
        for (int i = 0; i < 1_000_000; i++) {
            agg.add("10." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff),
                    i % 2 == 0 ? RefusalReason.UNKNOWN : RefusalReason.MALFORMED, "GET", "/");
        }
        assertThat(agg.currentKeys()).isLessThanOrEqualTo(1000 + 2);
        agg.flush();
        assertThat(out).hasSizeLessThanOrEqualTo(1002);
        assertThat(sumOfCounts(out)).isEqualTo(1_000_000);
        assertThat(out).filteredOn(e -> e.clientIp().isEmpty())
                .allSatisfy(e -> assertThat(e.details()).containsKey("sources"))
                .hasSize(2);
    }

    @Test
    void addWhenManyThreadsAcrossWindowBoundariesThenNoCountLost() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        List<AuditEvent> out = new CopyOnWriteArrayList<>();
        RefusalAggregator agg = new RefusalAggregator(clock, 1000, 100, out::add);
        int threads = 4;
        int each = 50_000;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int n = t;
            ts.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    agg.add("10.0.0." + n, RefusalReason.UNKNOWN, "GET", "/");
                    if (n == 0 && i % 1000 == 0) {
                        clock.advance(Duration.ofMillis(700));
                    }
                }
            }));
        }
        ts.forEach(Thread::start);
        for (Thread t : ts) {
            t.join();
        }
        agg.flush();
        assertThat(sumOfCounts(out)).isEqualTo((long) threads * each);
    }

    /** A sink that blocks on refusals until released, counting what it got. */
    private static final class BlockedSink implements AuditSink {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger recorded = new AtomicInteger();

        @Override
        public void record(AuditEvent event) {
            try {
                if (event.type() == AuditEventType.AUTHENTICATION_REFUSED) {
                    release.await(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            recorded.incrementAndGet();
        }
    }

    @Test
    void authenticateWhenAuditSinkStuckThenRequestsDoNotBlockAndOverflowIsCounted() {
        BlockedSink sink = new BlockedSink();
        Fixture f = Fixture.with(sink, b -> b.noFailedAttemptLimit().auditQueueCapacity(16));
        try {
            IssuedToken t = f.create("alice", AccessLevel.READ);
            f.latchkey.tokens().revoke(Actor.user("alice"), t.record().id(), "test");
            long started = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                assertThat(Fixture.reason(f.auth(t, "GET", "/x"))).isEqualTo(RefusalReason.REVOKED);
            }
            // the requests finished although the sink has not returned once (a blocking write would hang here)
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            RefusalStats stats = f.latchkey.refusalStats();
            assertThat(stats.auditDropped()).isGreaterThanOrEqualTo(2000 - 16 - AsyncAuditor.BATCH);
            assertThat(stats.auditQueued()).isLessThanOrEqualTo(16);
            sink.release.countDown();
        } finally {
            f.close();
        }
        RefusalStats after = f.latchkey.refusalStats();
        // every refusal was either written or counted as dropped; none vanished
        assertThat(after.auditWritten() + after.auditDropped()).isEqualTo(2000);
        assertThat(after.auditWritten()).isEqualTo(sink.recorded.get() - 2); // minus the create and revoke events
    }

    @Test
    void closeWhenRefusalsQueuedAndWindowOpenThenEverythingReachesTheSink() {
        List<AuditEvent> seen = new CopyOnWriteArrayList<>();
        AuditSink sink = e -> {
            try {
                Thread.sleep(0, 200_000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            seen.add(e);
        };
        Fixture f = Fixture.with(sink, Latchkey.Builder::noFailedAttemptLimit);
        IssuedToken t = f.create("alice", AccessLevel.READ);
        f.latchkey.tokens().revoke(Actor.user("alice"), t.record().id(), "test");
        for (int i = 0; i < 500; i++) {
            f.auth(t, "GET", "/x");
            garbage(f, i);
        }
        f.close();
        List<AuditEvent> refused = seen.stream().filter(e -> e.type() == AuditEventType.AUTHENTICATION_REFUSED).toList();
        assertThat(refused.stream().filter(e -> e.tokenId().isPresent())).hasSize(500);
        assertThat(sumOfCounts(refused.stream().filter(e -> e.tokenId().isEmpty()).toList())).isEqualTo(500);
        assertThat(f.audit.events).isEmpty(); // all went to the sink under test
    }

    /** A logger that records WARN lines: the one thing these tests look at. */
    private static Logger warnRecorder(List<String> lines) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (p, m, args) -> {
            if (m.getName().equals("warn")) {
                StringBuilder b = new StringBuilder(String.valueOf(args[0]));
                for (int i = 1; i < args.length; i++) {
                    b.append(" | ").append(args[i] instanceof Object[] a ? List.of(a) : args[i]);
                }
                lines.add(b.toString());
            }
            return m.getReturnType() == boolean.class ? Boolean.TRUE : null;
        });
    }

    @Test
    void addWhenAuditSinkFailsOnEveryEventThenOneLinePerIntervalWithTheCount() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        List<String> lines = new ArrayList<>();
        IntervalCounter c = new IntervalCounter(warnRecorder(lines), "the audit sink failed", clock, 60_000);
        for (int i = 0; i < 100_000; i++) {
            c.add(1, "database down");
            c.report();
        }
        assertThat(lines).hasSize(1); // the first failure at once
        clock.advance(Duration.ofSeconds(61));
        c.report();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("99999").contains("100000").contains("database down");
        clock.advance(Duration.ofSeconds(61));
        c.report();
        assertThat(lines).hasSize(2); // nothing new, nothing said
        assertThat(c.total()).isEqualTo(100_000);
    }

    @Test
    void authenticateWhenAuditSinkThrowsThenFailuresCountedAndRefusalsStillRefuse() {
        AuditSink broken = e -> {
            throw new StoreUnavailableException("audit database down");
        };
        Fixture f = Fixture.with(broken, Latchkey.Builder::noFailedAttemptLimit);
        try {
            IssuedToken t = f.create("alice", AccessLevel.READ); // lifecycle event: sink fails, change kept
            f.latchkey.tokens().revoke(Actor.user("alice"), t.record().id(), "test");
            for (int i = 0; i < 100; i++) {
                assertThat(f.auth(t, "GET", "/x").isAllowed()).isFalse();
            }
            f.flushAudit();
            assertThat(f.latchkey.refusalStats().auditSinkFailures()).isEqualTo(2 + 100);
        } finally {
            f.close();
        }
    }

    @Test
    void builderWhenRefusalOptionsOutOfRangeThenRejectedNamingTheOption() {
        assertThatThrownBy(() -> Latchkey.builder().failedAttemptLimit(0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failedAttemptLimit");
        assertThatThrownBy(() -> Latchkey.builder().failedAttemptLimit(5, Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failedAttemptLimit");
        assertThatThrownBy(() -> Latchkey.builder().noFailedAttemptLimit().failedAttemptLimit(5, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("failedAttemptLimit");
        assertThatThrownBy(() -> Latchkey.builder().refusalWindow(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refusalWindow");
        assertThatThrownBy(() -> Latchkey.builder().auditQueueCapacity(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auditQueueCapacity");
    }

    @Test
    void admitWhenLimitedThenAdapterRefusalCountedAndWaitReturned() {
        try (Fixture f = Fixture.with(b -> b.failedAttemptLimit(2, Duration.ofMinutes(1)))) {
            AttemptLimiter limiter = f.latchkey.attemptLimiter();
            assertThat(limiter.admit("10.9.9.9")).isEmpty();
            limiter.failed("10.9.9.9");
            limiter.failed("10.9.9.9");
            assertThat(limiter.admit("10.9.9.9")).contains(Duration.ofSeconds(30));
            assertThat(limiter.admit("10.9.9.8")).isEmpty();
            f.flushAudit();
            assertThat(f.audit.ofType(AuditEventType.AUTHENTICATION_REFUSED)).singleElement()
                    .satisfies(e -> assertThat(e.reason()).contains("RATE_LIMITED"));
        }
        try (Fixture off = Fixture.with(Latchkey.Builder::noFailedAttemptLimit)) {
            for (int i = 0; i < 100; i++) {
                off.latchkey.attemptLimiter().failed("10.9.9.9");
            }
            assertThat(off.latchkey.attemptLimiter().admit("10.9.9.9")).isEqualTo(Optional.empty());
        }
    }
}
