package dev.latchkey.tck;

import static dev.latchkey.tck.TokenFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditLog;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.AuditQuery;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.TokenQuery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract tests for {@link AuditLog}. Extend this class and implement {@link #createAuditLog()}; every test gets a
 * fresh, empty log. Event instants are whole milliseconds.
 */
public abstract class AuditLogContract {

    private AuditLog log;

    /**
     * A new, empty audit log. Called once before every test.
     *
     * @return the log to test
     */
    protected abstract AuditLog createAuditLog();

    /**
     * Whether {@code record} may be called from many threads at once (the contract requires it).
     *
     * @return true (the default); false skips the concurrency tests
     */
    protected boolean supportsConcurrentWriters() {
        return true;
    }

    /**
     * The log under test.
     *
     * @return the log {@link #createAuditLog()} made for the current test
     */
    protected final AuditLog auditLog() {
        return log;
    }

    @BeforeEach
    final void createFreshLog() {
        log = createAuditLog();
        assertThat(log).as("createAuditLog() must return a log").isNotNull();
    }

    private static Instant minutes(long m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    private static AuditEvent event(AuditEventType type, Instant at, String actor, String tokenId, String owner,
                                    AuditOutcome outcome) {
        return new AuditEvent(type, at, actor, Optional.ofNullable(tokenId), Optional.ofNullable(owner),
                Optional.of("192.0.2.1"), outcome,
                outcome == AuditOutcome.FAILURE ? Optional.of("REVOKED") : Optional.empty(), Map.of());
    }

    private static AuditQuery query(Optional<Instant> from, Optional<Instant> to, Optional<String> actor,
                                    Optional<String> tokenId, Optional<String> owner, Optional<AuditEventType> type,
                                    Optional<AuditOutcome> outcome) {
        return new AuditQuery(from, to, actor, tokenId, owner, type, outcome, 0, TokenQuery.MAX_PAGE_SIZE);
    }

    private static AuditQuery filter(java.util.function.UnaryOperator<Filter> f) {
        return f.apply(new Filter()).build();
    }

    /** A small mutable holder so the tests read as "actor = x, type = y". */
    private static final class Filter {
        Optional<Instant> from = Optional.empty();
        Optional<Instant> to = Optional.empty();
        Optional<String> actor = Optional.empty();
        Optional<String> tokenId = Optional.empty();
        Optional<String> owner = Optional.empty();
        Optional<AuditEventType> type = Optional.empty();
        Optional<AuditOutcome> outcome = Optional.empty();

        Filter from(Instant v) { from = Optional.of(v); return this; }
        Filter to(Instant v) { to = Optional.of(v); return this; }
        Filter actor(String v) { actor = Optional.of(v); return this; }
        Filter tokenId(String v) { tokenId = Optional.of(v); return this; }
        Filter owner(String v) { owner = Optional.of(v); return this; }
        Filter type(AuditEventType v) { type = Optional.of(v); return this; }
        Filter outcome(AuditOutcome v) { outcome = Optional.of(v); return this; }

        AuditQuery build() {
            return query(from, to, actor, tokenId, owner, type, outcome);
        }
    }

    /** Recorded deliberately out of time order; actors tell them apart. */
    private void recordDataSet() {
        log.record(event(AuditEventType.TOKEN_CREATED, minutes(3), "alice", "tok-1", "alice", AuditOutcome.SUCCESS));
        log.record(event(AuditEventType.AUTHENTICATION_REFUSED, minutes(1), "anonymous", "tok-1", "alice", AuditOutcome.FAILURE));
        log.record(event(AuditEventType.TOKEN_REVOKED, minutes(5), "admin", "tok-2", "bob", AuditOutcome.SUCCESS));
        log.record(event(AuditEventType.POLICY_CHANGED, minutes(2), "admin", null, null, AuditOutcome.SUCCESS));
        log.record(event(AuditEventType.TOKEN_CREATE_DENIED, minutes(4), "Bob", null, "bob", AuditOutcome.FAILURE));
    }

    private List<String> actorsAt(AuditQuery query) {
        Page<AuditEvent> page = log.query(query);
        assertThat(page.total()).as("total of " + query).isEqualTo(page.items().size());
        return page.items().stream().map(e -> e.actor() + "@" + Duration.between(T0, e.at()).toMinutes()).toList();
    }

    @Test
    @DisplayName("AuditLog: everything recorded is returned by a matching query (every field)")
    void recordWhenEveryFieldIsSetThenQueryReturnsEqualEvent() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("level", "ADMIN");
        details.put("createdBy", "Zoë 🔑");
        details.put("multi\nline", "a=b\nc\\d");
        details.put("empty", "");
        details.put("long", "y".repeat(4000));
        AuditEvent event = new AuditEvent(AuditEventType.TOKEN_CREATED, minutes(1).plusMillis(123), "zoë-🦊",
                Optional.of("tok-1"), Optional.of("José"), Optional.of("2001:db8::1"), AuditOutcome.SUCCESS,
                Optional.empty(), details);

        log.record(event);

        assertThat(log.query(AuditQuery.all()).items()).containsExactly(event);
    }

    @Test
    @DisplayName("AuditLog: everything recorded is returned by a matching query (optional fields absent)")
    void recordWhenOptionalFieldsAreAbsentThenTheyStayAbsent() {
        AuditEvent event = new AuditEvent(AuditEventType.PASSWORD_AUTH_REFUSED, minutes(2), "anonymous",
                Optional.empty(), Optional.empty(), Optional.empty(), AuditOutcome.FAILURE,
                Optional.of("PASSWORD_AUTH_DISABLED"), Map.of());

        log.record(event);

        assertThat(log.query(AuditQuery.all()).items()).containsExactly(event);
    }

    @Test
    @DisplayName("AuditLog: every AuditEventType and AuditOutcome round trips")
    void recordWhenEachTypeThenEachIsReturned() {
        AuditEventType[] types = AuditEventType.values();
        for (int i = 0; i < types.length; i++) {
            log.record(event(types[i], minutes(i), "actor", null, null, i % 2 == 0 ? AuditOutcome.SUCCESS : AuditOutcome.FAILURE));
        }

        List<AuditEvent> events = log.query(AuditQuery.all()).items();

        assertThat(events).extracting(AuditEvent::type).containsExactlyInAnyOrder(types);
        for (AuditEventType type : types) {
            assertThat(log.query(filter(f -> f.type(type))).items()).singleElement()
                    .satisfies(e -> assertThat(e.type()).isEqualTo(type));
        }
    }

    @Test
    @DisplayName("AuditLog.query: on an empty log the page is empty and the total is 0")
    void queryWhenLogIsEmptyThenEmptyPage() {
        Page<AuditEvent> page = log.query(AuditQuery.all());

        assertThat(page.items()).isEmpty();
        assertThat(page.total()).isZero();
    }

    @Test
    @DisplayName("AuditQuery: results are newest first")
    void queryWhenRecordedOutOfOrderThenNewestFirst() {
        recordDataSet();

        assertThat(actorsAt(filter(f -> f))).containsExactly("admin@5", "Bob@4", "alice@3", "admin@2", "anonymous@1");
    }

    @Test
    @DisplayName("AuditQuery: results are newest first (ties by insertion order, newest first)")
    void queryWhenSameInstantThenLatestRecordedFirst() {
        for (int i = 0; i < 5; i++) {
            log.record(event(AuditEventType.AUTHENTICATION_REFUSED, minutes(1), "actor-" + i, null, null, AuditOutcome.FAILURE));
        }

        assertThat(log.query(AuditQuery.all()).items()).extracting(AuditEvent::actor)
                .containsExactly("actor-4", "actor-3", "actor-2", "actor-1", "actor-0");
    }

    @Test
    @DisplayName("AuditQuery: from inclusive, to exclusive")
    void queryWhenTimeRangeThenFromInclusiveToExclusive() {
        recordDataSet();

        assertThat(actorsAt(filter(f -> f.from(minutes(2))))).containsExactly("admin@5", "Bob@4", "alice@3", "admin@2");
        assertThat(actorsAt(filter(f -> f.to(minutes(2))))).containsExactly("anonymous@1");
        assertThat(actorsAt(filter(f -> f.from(minutes(2)).to(minutes(4))))).containsExactly("alice@3", "admin@2");
        assertThat(actorsAt(filter(f -> f.from(minutes(3)).to(minutes(3))))).isEmpty();
        assertThat(actorsAt(filter(f -> f.from(minutes(5).plusMillis(1))))).isEmpty();
    }

    @Test
    @DisplayName("AuditQuery: actor, tokenId, owner, type and outcome — equal (case-sensitive)")
    void queryWhenEqualityFiltersThenExactMatchesOnly() {
        recordDataSet();

        assertThat(actorsAt(filter(f -> f.actor("admin")))).containsExactly("admin@5", "admin@2");
        assertThat(actorsAt(filter(f -> f.actor("bob")))).isEmpty();
        assertThat(actorsAt(filter(f -> f.actor("Bob")))).containsExactly("Bob@4");
        assertThat(actorsAt(filter(f -> f.tokenId("tok-1")))).containsExactly("alice@3", "anonymous@1");
        assertThat(actorsAt(filter(f -> f.tokenId("tok")))).isEmpty();
        assertThat(actorsAt(filter(f -> f.owner("bob")))).containsExactly("admin@5", "Bob@4");
        assertThat(actorsAt(filter(f -> f.type(AuditEventType.POLICY_CHANGED)))).containsExactly("admin@2");
        assertThat(actorsAt(filter(f -> f.outcome(AuditOutcome.FAILURE)))).containsExactly("Bob@4", "anonymous@1");
        assertThat(actorsAt(filter(f -> f.outcome(AuditOutcome.SUCCESS)))).containsExactly("admin@5", "alice@3", "admin@2");
    }

    @Test
    @DisplayName("AuditQuery: filters combine with AND")
    void queryWhenFiltersCombinedThenAllMustMatch() {
        recordDataSet();

        assertThat(actorsAt(filter(f -> f.actor("admin").type(AuditEventType.TOKEN_REVOKED)))).containsExactly("admin@5");
        assertThat(actorsAt(filter(f -> f.owner("alice").outcome(AuditOutcome.FAILURE)))).containsExactly("anonymous@1");
        assertThat(actorsAt(filter(f -> f.owner("bob").from(minutes(4)).to(minutes(5))))).containsExactly("Bob@4");
        assertThat(actorsAt(filter(f -> f.tokenId("tok-2").outcome(AuditOutcome.FAILURE)))).isEmpty();
    }

    static Stream<Named<String>> hostileValues() {
        return Stream.of("%", "_", "\\", "'", "'; DROP TABLE audit; --", "' OR '1'='1", "admin%", "adm_n", "🔑", "x".repeat(10_000))
                .map(DisplayNames::named);
    }

    @ParameterizedTest(name = "[{index}] filter {0}")
    @MethodSource("hostileValues")
    @DisplayName("AuditQuery: equality filters treat hostile text as data")
    void queryWhenFilterIsHostileThenNoMatchAndNoError(String value) {
        recordDataSet();

        assertThat(actorsAt(filter(f -> f.actor(value)))).isEmpty();
        assertThat(actorsAt(filter(f -> f.owner(value)))).isEmpty();
        assertThat(actorsAt(filter(f -> f.tokenId(value)))).isEmpty();
        assertThat(log.query(AuditQuery.all()).total()).isEqualTo(5);
    }

    @Test
    @DisplayName("AuditLog: hostile text in recorded events is stored as data")
    void recordWhenValuesAreHostileThenStoredAndFoundLiterally() {
        String actor = "'; DROP TABLE audit; --";
        log.record(event(AuditEventType.TOKEN_MANAGE_DENIED, minutes(1), actor, "%_\\", "o'wner", AuditOutcome.FAILURE));

        assertThat(log.query(filter(f -> f.actor(actor))).items()).singleElement()
                .satisfies(e -> {
                    assertThat(e.tokenId()).contains("%_\\");
                    assertThat(e.tokenOwner()).contains("o'wner");
                });
    }

    @Test
    @DisplayName("AuditQuery: page is zero-based, size 1 to MAX_PAGE_SIZE; the total counts every match")
    void queryWhenPagedThenPagesAndTotalsAreRight() {
        for (int i = 0; i < 7; i++) {
            log.record(event(AuditEventType.TOKEN_UPDATED, minutes(i), "a" + i, null, null, AuditOutcome.SUCCESS));
        }

        List<List<String>> pages = new ArrayList<>();
        for (int page = 0; page < 4; page++) {
            Page<AuditEvent> p = log.query(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), page, 3));
            assertThat(p.total()).isEqualTo(7);
            assertThat(p.page()).isEqualTo(page);
            pages.add(p.items().stream().map(AuditEvent::actor).toList());
        }

        assertThat(pages).containsExactly(List.of("a6", "a5", "a4"), List.of("a3", "a2", "a1"), List.of("a0"), List.of());
        Page<AuditEvent> one = log.query(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 6, 1));
        assertThat(one.items()).extracting(AuditEvent::actor).containsExactly("a0");
        assertThat(log.query(query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty())).items()).hasSize(7);
    }

    @Test
    @DisplayName("AuditLog: nothing recorded is lost under concurrent writers")
    void recordWhenManyThreadsRecordAtOnceThenNothingIsLost() throws Exception {
        Assumptions.assumeTrue(supportsConcurrentWriters(), "supportsConcurrentWriters() is false: this log is declared single-threaded");
        int threads = 8;
        int each = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        log.record(event(AuditEventType.AUTHENTICATION_REFUSED, minutes(i), "t" + thread + "-" + i,
                                null, "owner-" + thread, AuditOutcome.FAILURE));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(log.query(AuditQuery.all()).total()).isEqualTo((long) threads * each);
        Set<String> actors = new HashSet<>();
        for (int page = 0; page * TokenQuery.MAX_PAGE_SIZE < threads * each; page++) {
            log.query(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), page, TokenQuery.MAX_PAGE_SIZE))
                    .items().forEach(e -> actors.add(e.actor()));
        }
        assertThat(actors).hasSize(threads * each);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            assertThat(log.query(filter(f -> f.owner("owner-" + thread))).total()).isEqualTo(each);
        }
    }
}
