package dev.latchkey.tck;

import static dev.latchkey.tck.TokenFixture.T0;
import static dev.latchkey.tck.TokenFixture.days;
import static dev.latchkey.tck.TokenFixture.hours;
import static dev.latchkey.tck.TokenFixture.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.ChangeEvent;
import dev.latchkey.spi.ChangeFeed;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.DuplicateTokenException;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.LimitExceededException;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.Revocation;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.StoredPolicy;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenSort;
import dev.latchkey.spi.TokenState;
import dev.latchkey.spi.TokenStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract tests for the core {@link TokenStore}: what every store must do, and all a store for a single node has
 * to. Extend this class in your test sources and implement {@link #createStore()}; every test gets a fresh, empty
 * store. A store that also offers the optional capabilities runs their kits too: {@link PolicyStoreContract},
 * {@link ChangeFeedContract}, {@link NodeRegistryContract}, {@link NoticeLedgerContract}. When the store is a
 * {@link ChangeFeed}, the tests here also check that each write appends its change event and a refused write none.
 *
 * <pre>{@code
 * class MyTokenStoreTest extends TokenStoreContract {
 *     @Override
 *     protected TokenStore createStore() {
 *         return new MyTokenStore(freshEmptyDatabase());
 *     }
 * }
 * }</pre>
 *
 * <p>Every instant the kit writes is a whole millisecond (the engine's precision); a store may truncate to
 * milliseconds. Names quote the clause of {@link TokenStore} or {@link TokenQuery} they check.
 *
 * <p>Optional capabilities: override {@link #supportsConcurrentWriters()} to return {@code false} for a store
 * meant for a single thread only (the concurrency tests are then skipped and say why).
 */
public abstract class TokenStoreContract {

    /** The {@code asOf} instant most query tests evaluate states at. */
    protected static final Instant NOW = days(5);

    private TokenStore store;

    /**
     * A new, empty store. Called once before every test.
     *
     * @return a store with no tokens (and, where it keeps them, no policy and an empty change feed)
     */
    protected abstract TokenStore createStore();

    /**
     * Whether the store may be called from many threads at once (the {@link TokenStore} contract requires it;
     * return {@code false} only for a deliberately single-threaded store, and the concurrency tests are skipped).
     *
     * @return true (the default) when the store is thread-safe
     */
    protected boolean supportsConcurrentWriters() {
        return true;
    }

    /**
     * How many threads the concurrency tests use.
     *
     * @return the thread count (default 8)
     */
    protected int concurrentThreads() {
        return 8;
    }

    /**
     * How many records each thread inserts in the concurrent-insert test.
     *
     * @return the count per thread (default 50)
     */
    protected int insertsPerThread() {
        return 50;
    }

    /**
     * The store under test.
     *
     * @return the store {@code createStore()} made for the current test
     */
    protected final TokenStore store() {
        return store;
    }

    @BeforeEach
    final void createFreshStore() {
        store = createStore();
        assertThat(store).as("createStore() must return a store").isNotNull();
    }

    // ---------------------------------------------------------------------------------------------------------
    // insert / find: round trip of every field
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("TokenStore: records are returned exactly as written (every field)")
    void insertWhenEveryFieldIsSetThenFindByIdAndFindByDigestReturnEqualRecord() {
        TokenRecord record = token("full-1")
                .kind(TokenKind.SERVICE)
                .name("Release pipeline")
                .owner("svc-release")
                .createdBy("admin-on-behalf")
                .scope(new Scope(AccessLevel.ADMIN, Map.of("project", AccessLevel.WRITE, "repository", AccessLevel.ADMIN),
                        Set.of("PROJ", "PROJ/repo", "OTHER/repo-2")))
                .allowedCidrs(List.of("10.0.0.0/8", "2001:db8::/32", "192.0.2.7/32"))
                .digestAlgorithm("hmac-sha256:key-2025")
                .hint("lks_…Q9z1")
                .createdAt(hours(1))
                .expiresAt(days(90))
                .revocation(new Revocation(days(2), "security-team", "leaked in a CI log"))
                .lastUsedAt(days(1).plusMillis(123))
                .lastUsedIp("2001:db8::1")
                .build();

        store.insert(record);

        assertThat(store.findById(record.id())).contains(record);
        assertThat(store.findByDigest(record.digest())).contains(record);
    }

    @Test
    @DisplayName("TokenStore: records are returned exactly as written (optional fields absent)")
    void insertWhenOptionalFieldsAreAbsentThenTheyStayAbsent() {
        TokenRecord record = token("minimal-1").build();

        store.insert(record);

        TokenRecord found = store.findById(record.id()).orElseThrow();
        assertThat(found).isEqualTo(record);
        assertThat(found.expiresAt()).isEmpty();
        assertThat(found.revocation()).isEmpty();
        assertThat(found.lastUse()).isEmpty();
        assertThat(found.allowedCidrs()).isEmpty();
        assertThat(found.scope().domainLevels()).isEmpty();
        assertThat(found.scope().resources()).isEmpty();
        assertThat(found.version()).isZero();
    }

    static Stream<Named<String>> unicodeNames() {
        return Stream.of(
                "🔑 deploy key 🚀",
                "e\u0301te\u0301 (combining acute, not normalised)",
                "\u00e9t\u00e9 (precomposed)",
                "Zoë's token",
                "中文名称 / 日本語 / 한국어",
                "مفتاح النشر",
                "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters",
                "tab\tand\nnewline",
                "  leading and trailing spaces  ",
                "x".repeat(255),
                "🔑".repeat(127) + "x",
                "é".repeat(255),
                "")
                .map(DisplayNames::named);
    }

    @ParameterizedTest(name = "[{index}] name {0}")
    @MethodSource("unicodeNames")
    @DisplayName("TokenStore: records are returned exactly as written (unicode included) — names up to 255 chars")
    void insertWhenNameIsUnicodeOrLongThenItRoundTripsExactly(String name) {
        TokenRecord record = token("uni-1").name(name).owner("zoë-🦊").createdBy("José").hint("lkp_…ü").build();

        store.insert(record);

        assertThat(store.findById(record.id())).contains(record);
        assertThat(store.findById(record.id()).orElseThrow().name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 200})
    @DisplayName("TokenStore: records are returned exactly as written — allowed CIDRs empty, one, many, in order")
    void insertWhenAllowedCidrsAreEmptyOrManyThenTheyRoundTripInOrder(int count) {
        List<String> cidrs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            cidrs.add(i % 2 == 0 ? "10." + (i % 256) + "." + (i / 256) + ".0/24" : "2001:db8:" + Integer.toHexString(i) + "::/48");
        }
        Collections.reverse(cidrs);
        TokenRecord record = token("cidr-" + count).allowedCidrs(cidrs).build();

        store.insert(record);

        assertThat(store.findById(record.id()).orElseThrow().allowedCidrs()).containsExactlyElementsOf(cidrs);
    }

    static Stream<Scope> scopes() {
        return Stream.of(
                Scope.of(AccessLevel.READ),
                Scope.of(AccessLevel.WRITE, Set.of("PROJ")),
                new Scope(AccessLevel.ADMIN, Map.of("project", AccessLevel.READ), Set.of()),
                new Scope(AccessLevel.ADMIN, Map.of("project", AccessLevel.WRITE, "repository", AccessLevel.ADMIN,
                        "workspace", AccessLevel.READ), Set.of("PROJ/repo", "PROJ")),
                new Scope(AccessLevel.WRITE, Map.of("weird=domain", AccessLevel.READ, "dömäin,2", AccessLevel.WRITE),
                        Set.of("a,b", "with space", "x=y", "line\nbreak", "🚀/repo", "back\\slash", "semi;colon",
                                "quote'd\"", "%_wild")));
    }

    @ParameterizedTest
    @MethodSource("scopes")
    @DisplayName("TokenStore: records are returned exactly as written — scope level, domain levels and resources")
    void insertWhenScopeHasDomainLevelsAndResourcesThenItRoundTrips(Scope scope) {
        TokenRecord record = token("scope-1").scope(scope).build();

        store.insert(record);

        assertThat(store.findById(record.id()).orElseThrow().scope()).isEqualTo(scope);
    }

    @Test
    @DisplayName("TokenStore: records are returned exactly as written — revocation with an empty reason, last use")
    void insertWhenRevocationHasEmptyReasonAndLastUseIsSetThenTheyRoundTrip() {
        TokenRecord record = token("rev-1")
                .revocation(new Revocation(hours(3).plusMillis(7), "system", ""))
                .lastUsedAt(hours(2).plusMillis(999))
                .lastUsedIp("203.0.113.255")
                .build();

        store.insert(record);

        assertThat(store.findById(record.id())).contains(record);
    }

    @Test
    @DisplayName("TokenStore: records are returned exactly as written — millisecond instants far from the epoch")
    void insertWhenInstantsHaveMillisecondsThenTheyRoundTripExactly() {
        TokenRecord record = token("ms-1")
                .createdAt(Instant.parse("1999-12-31T23:59:59.999Z"))
                .expiresAt(Instant.parse("2199-06-30T12:00:00.001Z"))
                .lastUsedAt(Instant.parse("2000-02-29T00:00:00.500Z"))
                .build();

        store.insert(record);

        assertThat(store.findById(record.id())).contains(record);
    }

    @Test
    @DisplayName("TokenStore.insert: @throws DuplicateTokenException if a record with the same id exists")
    void insertWhenIdExistsThenDuplicateTokenExceptionAndStoredRecordUnchanged() {
        TokenRecord first = token("dup-1").name("first").build();
        store.insert(first);
        TokenRecord sameId = token("dup-1").name("second").digest(TokenFixture.digestOf("other")).build();

        assertThatThrownBy(() -> store.insert(sameId)).isInstanceOf(DuplicateTokenException.class);

        assertThat(store.findById("dup-1")).contains(first);
        assertThat(store.findByDigest(sameId.digest())).isEmpty();
    }

    @Test
    @DisplayName("TokenStore.insert: @throws DuplicateTokenException if a record with the same digest exists")
    void insertWhenDigestExistsThenDuplicateTokenExceptionAndNothingStored() {
        TokenRecord first = token("dup-a").build();
        store.insert(first);
        TokenRecord sameDigest = token("dup-b").digest(first.digest()).build();

        assertThatThrownBy(() -> store.insert(sameDigest)).isInstanceOf(DuplicateTokenException.class);

        assertThat(store.findById("dup-b")).isEmpty();
        assertThat(store.findByDigest(first.digest())).contains(first);
    }

    @Test
    @DisplayName("TokenStore.findByDigest / findById: the record, if any — empty for unknown keys")
    void findWhenKeyIsUnknownThenEmpty() {
        store.insert(token("known").build());

        assertThat(store.findById("unknown")).isEmpty();
        assertThat(store.findByDigest(TokenFixture.digestOf("unknown"))).isEmpty();
        assertThat(store.findById("")).isEmpty();
        assertThat(store.findByDigest("")).isEmpty();
    }

    @Test
    @DisplayName("TokenStore.findByDigest / findById: exact keys — case and trailing spaces matter")
    void findWhenKeyDiffersInCaseOrPaddingThenEmpty() {
        TokenRecord record = token("CaseId").build();
        store.insert(record);

        assertThat(store.findById("caseid")).isEmpty();
        assertThat(store.findById("CaseId ")).isEmpty();
        assertThat(store.findByDigest(record.digest().toUpperCase(java.util.Locale.ROOT))).isEmpty();
        assertThat(store.findByDigest(record.digest() + " ")).isEmpty();
        assertThat(store.findByDigest(record.digest().substring(0, 20))).isEmpty();
        assertThat(store.findById("CaseId")).contains(record);
    }

    // ---------------------------------------------------------------------------------------------------------
    // update
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("TokenStore.update: @return the stored record, with version expectedVersion + 1")
    void updateWhenExpectedVersionMatchesThenStoresChangesAndReturnsVersionPlusOne() {
        TokenRecord original = token("upd-1").build();
        store.insert(original);
        TokenRecord changed = original.withName("renamed 🔁")
                .withScope(new Scope(AccessLevel.WRITE, Map.of("project", AccessLevel.READ), Set.of("PROJ")))
                .withAllowedCidrs(List.of("198.51.100.0/24"))
                .withExpiresAt(Optional.of(days(30)))
                .withRevocation(new Revocation(days(3), "bob", "rotated"));

        TokenRecord returned = store.update(changed, 0);

        assertThat(returned).isEqualTo(changed.withVersion(1));
        assertThat(store.findById("upd-1")).contains(changed.withVersion(1));
        assertThat(store.findByDigest(original.digest())).contains(changed.withVersion(1));
    }

    @Test
    @DisplayName("TokenStore.update: the store increments the version on every update")
    void updateWhenCalledRepeatedlyThenVersionIncrementsEachTime() {
        TokenRecord record = token("upd-2").build();
        store.insert(record);

        for (int i = 0; i < 5; i++) {
            record = store.update(record.withName("name " + i), i);
            assertThat(record.version()).isEqualTo(i + 1);
        }
        assertThat(store.findById("upd-2").orElseThrow().version()).isEqualTo(5);
        assertThat(store.findById("upd-2").orElseThrow().name()).isEqualTo("name 4");
    }

    @Test
    @DisplayName("TokenStore.update: @throws ConcurrentUpdateException if the stored version differs; nothing was written")
    void updateWhenExpectedVersionIsStaleThenConcurrentUpdateExceptionAndNothingChanged() {
        TokenRecord record = token("upd-3").build();
        store.insert(record);
        TokenRecord v1 = store.update(record.withName("first writer"), 0);
        long seq = feedSequence();

        assertThatThrownBy(() -> store.update(record.withName("second writer"), 0))
                .isInstanceOf(ConcurrentUpdateException.class);
        assertThatThrownBy(() -> store.update(record.withName("from the future"), 7))
                .isInstanceOf(ConcurrentUpdateException.class);

        assertThat(store.findById("upd-3")).contains(v1);
        assertThat(feedSequence()).isEqualTo(seq);
    }

    @Test
    @DisplayName("TokenStore.update: @throws ConcurrentUpdateException if the record does not exist")
    void updateWhenRecordDoesNotExistThenConcurrentUpdateException() {
        TokenRecord ghost = token("ghost").build();

        assertThatThrownBy(() -> store.update(ghost, 0)).isInstanceOf(ConcurrentUpdateException.class);

        assertThat(store.findById("ghost")).isEmpty();
        assertThat(feedSequence()).isZero();
    }

    @Test
    @DisplayName("TokenStore.update: the stored lastUse is kept (usage is written only through recordLastUse)")
    void updateWhenRecordCarriesOtherLastUseThenStoredLastUseIsKept() {
        TokenRecord record = token("upd-4").build();
        store.insert(record);
        LastUse use = new LastUse("upd-4", days(1), "198.51.100.4");
        store.recordLastUse(List.of(use));

        TokenRecord stale = record.withName("renamed");
        TokenRecord returned = store.update(stale, 0);
        TokenRecord other = store.update(returned.withLastUse(Optional.of(new LastUse("upd-4", days(9), "192.0.2.1"))), 1);

        assertThat(returned.lastUse()).contains(use);
        assertThat(other.lastUse()).contains(use);
        assertThat(store.findById("upd-4").orElseThrow().lastUse()).contains(use);
        assertThat(store.findById("upd-4").orElseThrow().name()).isEqualTo("renamed");
    }

    @Test
    @DisplayName("TokenStore.update: the digest and id cannot change through an update")
    void updateWhenDigestDiffersThenStoredDigestIsKeptOrUpdateRejected() {
        TokenRecord record = token("upd-5").build();
        store.insert(record);
        String otherDigest = TokenFixture.digestOf("rotated");
        TokenRecord withOtherDigest = new TokenRecord(record.id(), record.kind(), record.name(), record.owner(),
                record.createdBy(), record.scope(), record.allowedCidrs(), otherDigest, record.digestAlgorithm(),
                record.hint(), record.createdAt(), record.expiresAt(), record.revocation(), record.lastUse(), 0);

        Throwable thrown = catchThrowable(() -> store.update(withOtherDigest, 0));

        assertThat(thrown).as("either rejected as invalid or the digest is ignored")
                .satisfiesAnyOf(t -> assertThat(t).isNull(), t -> assertThat(t).isInstanceOf(IllegalArgumentException.class));
        assertThat(store.findByDigest(record.digest())).isPresent();
        assertThat(store.findByDigest(otherDigest)).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // query: filters
    // ---------------------------------------------------------------------------------------------------------

    /**
     * The filter data set; states at {@link #NOW} (= T0 + 5 days) in the comments.
     */
    private void insertFilterDataSet() {
        // active, never expires, never used
        store.insert(token("t01").owner("alice").name("Deploy key").createdAt(hours(1)).build());
        // active until T0+10d, used
        store.insert(token("t02").owner("alice").name("CI pipeline").kind(TokenKind.SERVICE).createdAt(hours(2))
                .expiresAt(days(10)).lastUsedAt(days(3)).build());
        // expired at T0+1d
        store.insert(token("t03").owner("bob").name("deploy KEY prod").createdAt(hours(3)).expiresAt(days(1))
                .lastUsedAt(hours(12)).build());
        // revoked, never expires, never used
        store.insert(token("t04").owner("bob").name("Backup").createdAt(hours(4)).revokedAt(days(2)).build());
        // revoked (wins over a future expiry)
        store.insert(token("t05").owner("carol").name("backup-2").kind(TokenKind.SERVICE).createdAt(hours(5))
                .expiresAt(days(20)).revokedAt(days(1)).lastUsedAt(hours(6)).build());
        // expires exactly at NOW: expired ("a token expires at its expiry instant")
        store.insert(token("t06").owner("Alice").name("ZOË").createdAt(hours(6)).expiresAt(NOW)
                .lastUsedAt(days(4)).build());
        // expired at T0+4d, never used
        store.insert(token("t07").owner("alice").name("old token").createdAt(hours(7)).expiresAt(days(4)).build());
    }

    private List<String> ids(UnaryOperator<TokenQuery.Builder> filters) {
        TokenQuery query = filters.apply(TokenQuery.builder(NOW).sort(TokenSort.CREATED_AT, false).size(100)).build();
        Page<TokenRecord> page = store.query(query);
        List<String> ids = page.items().stream().map(TokenRecord::id).toList();
        assertThat(page.total()).as("total of " + query).isEqualTo(ids.size());
        return ids;
    }

    @Test
    @DisplayName("TokenQuery: every filter is optional — no filter returns everything")
    void queryWhenNoFilterThenEveryRecord() {
        insertFilterDataSet();

        assertThat(ids(q -> q)).containsExactly("t01", "t02", "t03", "t04", "t05", "t06", "t07");
    }

    @Test
    @DisplayName("TokenQuery: on an empty store the page is empty and the total is 0")
    void queryWhenStoreIsEmptyThenEmptyPageWithTotalZero() {
        Page<TokenRecord> page = store.query(TokenQuery.builder(NOW).build());

        assertThat(page.items()).isEmpty();
        assertThat(page.total()).isZero();
        assertThat(page.page()).isZero();
        assertThat(page.size()).isEqualTo(50);
    }

    @Test
    @DisplayName("TokenQuery: owner — equal (case-sensitive)")
    void queryWhenOwnerFilterThenExactCaseSensitiveMatchesOnly() {
        insertFilterDataSet();

        assertThat(ids(q -> q.owner("alice"))).containsExactly("t01", "t02", "t07");
        assertThat(ids(q -> q.owner("Alice"))).containsExactly("t06");
        assertThat(ids(q -> q.owner("ALICE"))).isEmpty();
        assertThat(ids(q -> q.owner("alic"))).isEmpty();
        assertThat(ids(q -> q.owner("alice "))).isEmpty();
        assertThat(ids(q -> q.owner("nobody"))).isEmpty();
    }

    @Test
    @DisplayName("TokenQuery: nameContains — the name contains the text, case-insensitively")
    void queryWhenNameContainsThenCaseInsensitiveSubstringMatches() {
        insertFilterDataSet();

        assertThat(ids(q -> q.nameContains("key"))).containsExactly("t01", "t03");
        assertThat(ids(q -> q.nameContains("DEPLOY"))).containsExactly("t01", "t03");
        assertThat(ids(q -> q.nameContains("ploy k"))).containsExactly("t01", "t03");
        assertThat(ids(q -> q.nameContains("backup"))).containsExactly("t04", "t05");
        assertThat(ids(q -> q.nameContains("zoë"))).containsExactly("t06");
        assertThat(ids(q -> q.nameContains("Zoë"))).containsExactly("t06");
        assertThat(ids(q -> q.nameContains("zoe"))).isEmpty();
        assertThat(ids(q -> q.nameContains("deploy key prod"))).containsExactly("t03");
        assertThat(ids(q -> q.nameContains("no such name"))).isEmpty();
        assertThat(ids(q -> q.nameContains(""))).hasSize(7);
    }

    @Test
    @DisplayName("TokenQuery: kind — equal")
    void queryWhenKindFilterThenOnlyThatKind() {
        insertFilterDataSet();

        assertThat(ids(q -> q.kind(TokenKind.SERVICE))).containsExactly("t02", "t05");
        assertThat(ids(q -> q.kind(TokenKind.PERSONAL))).containsExactly("t01", "t03", "t04", "t06", "t07");
    }

    @Test
    @DisplayName("TokenQuery: state — evaluated at asOf as in TokenRecord.state (revoked wins; expires at its expiry instant)")
    void queryWhenStateFilterThenStateAtAsOf() {
        insertFilterDataSet();

        assertThat(ids(q -> q.state(TokenState.ACTIVE))).containsExactly("t01", "t02");
        assertThat(ids(q -> q.state(TokenState.EXPIRED))).containsExactly("t03", "t06", "t07");
        assertThat(ids(q -> q.state(TokenState.REVOKED))).containsExactly("t04", "t05");
    }

    @Test
    @DisplayName("TokenQuery: state — asOf is the query's, not the store's clock")
    void queryWhenStateFilterAtOtherAsOfThenEvaluatedAtThatInstant() {
        insertFilterDataSet();

        assertThat(ids(q -> q.state(TokenState.ACTIVE).asOf(T0))).containsExactly("t01", "t02", "t03", "t06", "t07");
        assertThat(ids(q -> q.state(TokenState.EXPIRED).asOf(T0))).isEmpty();
        assertThat(ids(q -> q.state(TokenState.REVOKED).asOf(T0))).containsExactly("t04", "t05");
        assertThat(ids(q -> q.state(TokenState.ACTIVE).asOf(NOW.minusMillis(1)))).containsExactly("t01", "t02", "t06");
        assertThat(ids(q -> q.state(TokenState.EXPIRED).asOf(days(100)))).containsExactly("t02", "t03", "t06", "t07");
    }

    @Test
    @DisplayName("TokenQuery: createdAfter inclusive, createdBefore exclusive")
    void queryWhenCreatedRangeThenAfterInclusiveBeforeExclusive() {
        insertFilterDataSet();

        assertThat(ids(q -> q.createdAfter(hours(3)))).containsExactly("t03", "t04", "t05", "t06", "t07");
        assertThat(ids(q -> q.createdBefore(hours(3)))).containsExactly("t01", "t02");
        assertThat(ids(q -> q.createdAfter(hours(3)).createdBefore(hours(5)))).containsExactly("t03", "t04");
        assertThat(ids(q -> q.createdAfter(hours(3)).createdBefore(hours(3)))).isEmpty();
        assertThat(ids(q -> q.createdAfter(hours(3).plusMillis(1)))).containsExactly("t04", "t05", "t06", "t07");
    }

    @Test
    @DisplayName("TokenQuery: expiresBefore exclusive (tokens that never expire do not match)")
    void queryWhenExpiresBeforeThenExclusiveAndNeverExpiringExcluded() {
        insertFilterDataSet();

        assertThat(ids(q -> q.expiresBefore(NOW))).containsExactly("t03", "t07");
        assertThat(ids(q -> q.expiresBefore(NOW.plusMillis(1)))).containsExactly("t03", "t06", "t07");
        assertThat(ids(q -> q.expiresBefore(days(1000)))).containsExactly("t02", "t03", "t05", "t06", "t07");
    }

    @Test
    @DisplayName("TokenQuery: lastUsedBefore exclusive (never-used tokens do not match)")
    void queryWhenLastUsedBeforeThenExclusiveAndNeverUsedExcluded() {
        insertFilterDataSet();

        assertThat(ids(q -> q.lastUsedBefore(days(3)))).containsExactly("t03", "t05");
        assertThat(ids(q -> q.lastUsedBefore(days(3).plusMillis(1)))).containsExactly("t02", "t03", "t05");
        assertThat(ids(q -> q.lastUsedBefore(days(1000)))).containsExactly("t02", "t03", "t05", "t06");
    }

    @Test
    @DisplayName("TokenQuery: neverUsed — true matches only tokens with no recorded use")
    void queryWhenNeverUsedThenOnlyTokensWithoutUse() {
        insertFilterDataSet();

        assertThat(ids(q -> q.neverUsed(true))).containsExactly("t01", "t04", "t07");
        assertThat(ids(q -> q.neverUsed(false))).hasSize(7);
    }

    @Test
    @DisplayName("TokenQuery: filters combine with AND")
    void queryWhenFiltersCombinedThenAllMustMatch() {
        insertFilterDataSet();

        assertThat(ids(q -> q.owner("alice").state(TokenState.ACTIVE))).containsExactly("t01", "t02");
        assertThat(ids(q -> q.owner("bob").nameContains("KEY").kind(TokenKind.PERSONAL))).containsExactly("t03");
        assertThat(ids(q -> q.owner("alice").neverUsed(true).state(TokenState.EXPIRED))).containsExactly("t07");
        assertThat(ids(q -> q.kind(TokenKind.PERSONAL).createdAfter(hours(2)).createdBefore(hours(6))))
                .containsExactly("t03", "t04");
        assertThat(ids(q -> q.owner("alice").expiresBefore(NOW))).containsExactly("t07");
        assertThat(ids(q -> q.neverUsed(true).lastUsedBefore(days(1000)))).isEmpty();
        assertThat(ids(q -> q.kind(TokenKind.SERVICE).state(TokenState.REVOKED).nameContains("BACK")
                .lastUsedBefore(days(1)).expiresBefore(days(21)).createdAfter(hours(5)).createdBefore(hours(6))
                .owner("carol"))).containsExactly("t05");
        assertThat(ids(q -> q.owner("carol").state(TokenState.ACTIVE))).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // query: hostile input
    // ---------------------------------------------------------------------------------------------------------

    private static final List<String> HOSTILE_NAMES = List.of(
            "100% done",
            "under_score",
            "back\\slash",
            "it's \"quoted\"",
            "'; DROP TABLE x; --",
            "plain name",
            "[abc] {x} ^$ .* +?",
            "semi;colon /* comment */");

    private void insertHostileDataSet() {
        for (int i = 0; i < HOSTILE_NAMES.size(); i++) {
            store.insert(token("h" + i).name(HOSTILE_NAMES.get(i)).owner(i == 4 ? "'; DROP TABLE x; --" : "owner%_\\")
                    .createdAt(hours(i)).build());
        }
    }

    static Stream<Arguments> hostileFilters() {
        return Stream.of(
                Arguments.of(DisplayNames.named("%"), List.of("h0")),
                Arguments.of(DisplayNames.named("0%"), List.of("h0")),
                Arguments.of(DisplayNames.named("%%"), List.of()),
                Arguments.of(DisplayNames.named("_"), List.of("h1")),
                Arguments.of(DisplayNames.named("r_s"), List.of("h1")),
                Arguments.of(DisplayNames.named("\\"), List.of("h2")),
                Arguments.of(DisplayNames.named("\\%"), List.of()),
                Arguments.of(DisplayNames.named("k\\s"), List.of("h2")),
                Arguments.of(DisplayNames.named("'"), List.of("h3", "h4")),
                Arguments.of(DisplayNames.named("\""), List.of("h3")),
                Arguments.of(DisplayNames.named("'; drop table x; --"), List.of("h4")),
                Arguments.of(DisplayNames.named("--"), List.of("h4")),
                Arguments.of(DisplayNames.named(";"), List.of("h4", "h7")),
                Arguments.of(DisplayNames.named("[abc]"), List.of("h6")),
                Arguments.of(DisplayNames.named("[a"), List.of("h6")),
                Arguments.of(DisplayNames.named(".*"), List.of("h6")),
                Arguments.of(DisplayNames.named("/*"), List.of("h7")),
                Arguments.of(DisplayNames.named("*"), List.of("h6", "h7")),
                Arguments.of(DisplayNames.named("!"), List.of()),
                Arguments.of(DisplayNames.named("?"), List.of("h6")),
                Arguments.of(DisplayNames.named("' OR '1'='1"), List.of()),
                Arguments.of(DisplayNames.named("x".repeat(TokenQuery.MAX_TEXT_LENGTH)), List.of()));
    }

    @ParameterizedTest(name = "[{index}] nameContains {0} matches {1}")
    @MethodSource("hostileFilters")
    @DisplayName("TokenQuery: nameContains — no wildcard meaning for any character (%, _ and \\ match themselves); hostile text is data")
    void queryWhenNameContainsHostileTextThenMatchesLiterallyWithoutError(String text, List<String> expected) {
        insertHostileDataSet();

        assertThat(ids(q -> q.nameContains(text))).containsExactlyElementsOf(expected);
        assertThat(ids(q -> q)).as("the store is intact").hasSize(HOSTILE_NAMES.size());
    }

    @Test
    @DisplayName("TokenQuery: owner — equal (case-sensitive); hostile text is data")
    void queryWhenOwnerIsHostileTextThenExactMatchOnly() {
        insertHostileDataSet();

        assertThat(ids(q -> q.owner("'; DROP TABLE x; --"))).containsExactly("h4");
        assertThat(ids(q -> q.owner("owner%_\\"))).containsExactly("h0", "h1", "h2", "h3", "h5", "h6", "h7");
        assertThat(ids(q -> q.owner("owner%"))).isEmpty();
        assertThat(ids(q -> q.owner("%"))).isEmpty();
        assertThat(ids(q -> q.owner("' OR '1'='1"))).isEmpty();
        assertThat(ids(q -> q.owner("o".repeat(TokenQuery.MAX_TEXT_LENGTH)))).isEmpty();
        assertThat(ids(q -> q)).as("the store is intact").hasSize(HOSTILE_NAMES.size());
    }

    @Test
    @DisplayName("TokenQuery: nameContains at most MAX_TEXT_LENGTH characters — a 255-character name is found by its full text")
    void queryWhenNameContainsIsLongThenLongNamesMatch() {
        String longName = "n".repeat(200) + "Ä".repeat(55);
        store.insert(token("long-1").name(longName).build());
        store.insert(token("long-2").name("short").build());

        assertThat(ids(q -> q.nameContains(longName))).containsExactly("long-1");
        assertThat(ids(q -> q.nameContains(longName.toLowerCase(java.util.Locale.ROOT)))).containsExactly("long-1");
        assertThat(ids(q -> q.nameContains(longName + "x"))).isEmpty();
    }

    @Test
    @DisplayName("TokenQuery: text longer than MAX_TEXT_LENGTH, unpaired surrogates and NUL are rejected before reaching a store")
    void queryWhenTextIsTooLongOrMalformedThenTokenQueryRejectsIt() {
        assertThatThrownBy(() -> TokenQuery.builder(NOW).nameContains("x".repeat(10_000)).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenQuery.builder(NOW).owner("x".repeat(TokenQuery.MAX_TEXT_LENGTH + 1)).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenQuery.builder(NOW).nameContains("bad\uD800").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenQuery.builder(NOW).nameContains("\uDC00bad").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenQuery.builder(NOW).owner("nul\u0000").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.query(TokenQuery.builder(NOW).nameContains("🔑").build()).total()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------
    // query: sorting and paging
    // ---------------------------------------------------------------------------------------------------------

    private void insertSortDataSet() {
        store.insert(token("s1").owner("bob").name("bravo").createdAt(hours(2)).expiresAt(days(3)).lastUsedAt(days(2)).build());
        store.insert(token("s2").owner("alice").name("alpha").createdAt(hours(1)).build());
        store.insert(token("s3").owner("carol").name("charlie").createdAt(hours(2)).expiresAt(days(1)).lastUsedAt(days(1)).build());
        store.insert(token("s4").owner("alice").name("alpha").createdAt(hours(3)).expiresAt(days(3)).build());
        store.insert(token("s5").owner("bob").name("delta").createdAt(hours(4)).lastUsedAt(days(2)).build());
    }

    static Stream<Arguments> sortCases() {
        return Stream.of(
                Arguments.of(TokenSort.CREATED_AT, false, List.of("s2", "s1", "s3", "s4", "s5")),
                Arguments.of(TokenSort.CREATED_AT, true, List.of("s5", "s4", "s1", "s3", "s2")),
                Arguments.of(TokenSort.EXPIRES_AT, false, List.of("s3", "s1", "s4", "s2", "s5")),
                Arguments.of(TokenSort.EXPIRES_AT, true, List.of("s1", "s4", "s3", "s2", "s5")),
                Arguments.of(TokenSort.LAST_USED_AT, false, List.of("s3", "s1", "s5", "s2", "s4")),
                Arguments.of(TokenSort.LAST_USED_AT, true, List.of("s1", "s5", "s3", "s2", "s4")),
                Arguments.of(TokenSort.NAME, false, List.of("s2", "s4", "s1", "s3", "s5")),
                Arguments.of(TokenSort.NAME, true, List.of("s5", "s3", "s1", "s2", "s4")),
                Arguments.of(TokenSort.OWNER, false, List.of("s2", "s4", "s1", "s5", "s3")),
                Arguments.of(TokenSort.OWNER, true, List.of("s3", "s1", "s5", "s2", "s4")));
    }

    @ParameterizedTest(name = "{0} descending={1}")
    @MethodSource("sortCases")
    @DisplayName("TokenQuery: sorting by sort; absent values (no expiry, never used) sort last in either direction; ties by id ascending")
    void queryWhenSortedThenNullsLastAndTiesByIdAscending(TokenSort sort, boolean descending, List<String> expected) {
        insertSortDataSet();

        List<String> ids = store.query(TokenQuery.builder(NOW).sort(sort, descending).build())
                .items().stream().map(TokenRecord::id).toList();

        assertThat(ids).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0} descending={1}")
    @MethodSource("sortCases")
    @DisplayName("TokenQuery: page is zero-based — pages of one row concatenate to the full sorted result")
    void queryWhenPagedOneRowAtATimeThenSameOrderAsOnePage(TokenSort sort, boolean descending, List<String> expected) {
        insertSortDataSet();

        List<String> ids = new ArrayList<>();
        for (int page = 0; page < expected.size(); page++) {
            Page<TokenRecord> p = store.query(TokenQuery.builder(NOW).sort(sort, descending).page(page).size(1).build());
            assertThat(p.total()).isEqualTo(expected.size());
            assertThat(p.items()).hasSize(1);
            ids.add(p.items().get(0).id());
        }

        assertThat(ids).containsExactlyElementsOf(expected);
    }

    private void insertPagingDataSet(int n) {
        for (int i = 0; i < n; i++) {
            store.insert(token(String.format("p%02d", i)).createdAt(hours(i)).owner(i % 2 == 0 ? "even" : "odd").build());
        }
    }

    private Page<TokenRecord> page(int page, int size, UnaryOperator<TokenQuery.Builder> filters) {
        return store.query(filters.apply(TokenQuery.builder(NOW).sort(TokenSort.CREATED_AT, false).page(page).size(size)).build());
    }

    private static List<String> idsOf(Page<TokenRecord> page) {
        return page.items().stream().map(TokenRecord::id).toList();
    }

    @Test
    @DisplayName("TokenQuery: page is zero-based — first, middle, last and beyond the last page, total always the full count")
    void queryWhenPagingThenFirstMiddleLastAndBeyondLastPageAreRight() {
        insertPagingDataSet(7);

        Page<TokenRecord> first = page(0, 3, q -> q);
        Page<TokenRecord> middle = page(1, 3, q -> q);
        Page<TokenRecord> last = page(2, 3, q -> q);
        Page<TokenRecord> beyond = page(3, 3, q -> q);
        Page<TokenRecord> farBeyond = page(1_000_000, 3, q -> q);

        assertThat(idsOf(first)).containsExactly("p00", "p01", "p02");
        assertThat(idsOf(middle)).containsExactly("p03", "p04", "p05");
        assertThat(idsOf(last)).containsExactly("p06");
        assertThat(beyond.items()).isEmpty();
        assertThat(farBeyond.items()).isEmpty();
        assertThat(List.of(first, middle, last, beyond, farBeyond)).allSatisfy(p -> {
            assertThat(p.total()).isEqualTo(7);
            assertThat(p.size()).isEqualTo(3);
        });
        assertThat(last.page()).isEqualTo(2);
    }

    @Test
    @DisplayName("TokenQuery: size between 1 and MAX_PAGE_SIZE — both edges work; the total honours the filters")
    void queryWhenPageSizeIsOneOrMaxThenRightRowsAndTotals() {
        insertPagingDataSet(7);

        assertThat(idsOf(page(4, 1, q -> q))).containsExactly("p04");
        assertThat(idsOf(page(0, TokenQuery.MAX_PAGE_SIZE, q -> q))).hasSize(7);
        assertThat(page(0, TokenQuery.MAX_PAGE_SIZE, q -> q).total()).isEqualTo(7);
        assertThat(idsOf(page(1, 7, q -> q))).isEmpty();
        assertThat(idsOf(page(1, 2, q -> q.owner("even")))).containsExactly("p04", "p06");
        assertThat(page(1, 2, q -> q.owner("even")).total()).isEqualTo(4);
        assertThat(page(5, 2, q -> q.owner("odd")).total()).isEqualTo(3);
        assertThatThrownBy(() -> TokenQuery.builder(NOW).size(TokenQuery.MAX_PAGE_SIZE + 1).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------------------------------------------------
    // countActive
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("TokenStore.countActive: how many tokens owner has that are ACTIVE at asOf")
    void countActiveWhenMixedStatesThenCountsOnlyActiveTokensOfThatOwner() {
        insertFilterDataSet();

        assertThat(store.countActive("alice", NOW)).isEqualTo(2);
        assertThat(store.countActive("Alice", NOW)).isZero();
        assertThat(store.countActive("Alice", NOW.minusMillis(1))).isEqualTo(1);
        assertThat(store.countActive("bob", NOW)).isZero();
        assertThat(store.countActive("bob", T0)).isEqualTo(1);
        assertThat(store.countActive("alice", T0)).isEqualTo(3);
        assertThat(store.countActive("nobody", NOW)).isZero();
        assertThat(store.countActive("'; DROP TABLE x; --", NOW)).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------
    // recordLastUse
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("TokenStore.recordLastUse: the stored last use becomes the latest; versions unchanged; no change event")
    void recordLastUseWhenNewerThenStoredWithoutVersionChangeOrChangeEvent() {
        TokenRecord record = token("lu-1").build();
        store.insert(record);
        long seq = feedSequence();
        LastUse use = new LastUse("lu-1", days(1), "192.0.2.44");

        store.recordLastUse(List.of(use));

        TokenRecord found = store.findById("lu-1").orElseThrow();
        assertThat(found.lastUse()).contains(use);
        assertThat(found.version()).isZero();
        assertThat(found.withLastUse(Optional.empty())).isEqualTo(record);
        assertThat(feedSequence()).isEqualTo(seq);
        assertThat(changesSince(seq, 10)).isEmpty();
    }

    @Test
    @DisplayName("TokenStore.recordLastUse: it never moves backwards — an older batch does not change it")
    void recordLastUseWhenOlderThanStoredThenIgnored() {
        store.insert(token("lu-2").build());
        LastUse newer = new LastUse("lu-2", days(2), "192.0.2.2");
        store.recordLastUse(List.of(newer));

        store.recordLastUse(List.of(new LastUse("lu-2", days(1), "192.0.2.1")));

        assertThat(store.findById("lu-2").orElseThrow().lastUse()).contains(newer);
    }

    @Test
    @DisplayName("TokenStore.recordLastUse: the latest of the stored one and the batch's wins, whatever the order in the batch")
    void recordLastUseWhenSameTokenSeveralTimesInBatchThenLatestWins() {
        store.insert(token("lu-3").build());
        store.insert(token("lu-4").build());
        LastUse latest3 = new LastUse("lu-3", days(3), "192.0.2.3");
        LastUse latest4 = new LastUse("lu-4", days(4), "192.0.2.4");

        store.recordLastUse(List.of(
                new LastUse("lu-3", days(1), "198.51.100.1"), latest3, new LastUse("lu-3", days(2), "198.51.100.2"),
                latest4, new LastUse("lu-4", days(1), "198.51.100.4")));

        assertThat(store.findById("lu-3").orElseThrow().lastUse()).contains(latest3);
        assertThat(store.findById("lu-4").orElseThrow().lastUse()).contains(latest4);
    }

    @Test
    @DisplayName("TokenStore.recordLastUse: unknown token ids are ignored (the rest of the batch is recorded)")
    void recordLastUseWhenUnknownIdsThenIgnoredAndOthersRecorded() {
        store.insert(token("lu-5").build());
        LastUse use = new LastUse("lu-5", days(1), "192.0.2.5");

        store.recordLastUse(List.of(new LastUse("ghost", days(1), "192.0.2.9"), use, new LastUse("'; --", days(1), "x")));

        assertThat(store.findById("lu-5").orElseThrow().lastUse()).contains(use);
        assertThat(store.findById("ghost")).isEmpty();
        store.recordLastUse(List.of());
        assertThat(store.findById("lu-5").orElseThrow().lastUse()).contains(use);
    }

    @Test
    @DisplayName("TokenStore.recordLastUse: the recorded use is what the lastUsedBefore / neverUsed filters see")
    void recordLastUseWhenRecordedThenQueriesSeeIt() {
        store.insert(token("lu-6").build());
        store.insert(token("lu-7").build());

        store.recordLastUse(List.of(new LastUse("lu-6", days(1), "192.0.2.6")));

        assertThat(ids(q -> q.neverUsed(true))).containsExactly("lu-7");
        assertThat(ids(q -> q.lastUsedBefore(days(2)))).containsExactly("lu-6");
    }

    // ---------------------------------------------------------------------------------------------------------
    // concurrency
    // ---------------------------------------------------------------------------------------------------------

    private void assumeConcurrentWriters() {
        Assumptions.assumeTrue(supportsConcurrentWriters(),
                "supportsConcurrentWriters() is false: this store is declared single-threaded");
    }

    private <T> List<T> runConcurrently(int threads, Races.Task<T> task) throws Exception {
        return Races.run(threads, task);
    }

    // ---------------------------------------------------------------------------------------------------------
    // the change feed, when the store offers one: a write appends what it should, a refused one nothing
    // (ChangeFeedContract checks the feed itself)
    // ---------------------------------------------------------------------------------------------------------

    private Optional<ChangeFeed> feed() {
        return store instanceof ChangeFeed f ? Optional.of(f) : Optional.empty();
    }

    /** The feed's latest sequence; 0 for a store without a change feed, where nothing is appended either. */
    private long feedSequence() {
        return feed().map(ChangeFeed::latestChangeSequence).orElse(0L);
    }

    /** The feed's events after {@code after}; none for a store without a change feed. */
    private List<ChangeEvent> changesSince(long after, int limit) {
        return feed().map(f -> f.changesSince(after, limit)).orElse(List.of());
    }

    private List<ChangeEvent> allChanges() {
        return ChangeFeedContract.allChanges(feed().orElseThrow());
    }

    @Test
    @DisplayName("TokenStore: thread-safe — concurrent inserts lose nothing and each appends one change event")
    void insertWhenManyThreadsInsertAtOnceThenNothingIsLost() throws Exception {
        assumeConcurrentWriters();
        int threads = concurrentThreads();
        int each = insertsPerThread();

        runConcurrently(threads, t -> {
            for (int i = 0; i < each; i++) {
                store.insert(token(String.format("c%02d-%03d", t, i)).owner("owner-" + t).createdAt(hours(i)).build());
            }
            return null;
        });

        assertThat(store.query(TokenQuery.builder(NOW).size(1).build()).total()).isEqualTo((long) threads * each);
        for (int t = 0; t < threads; t++) {
            assertThat(store.query(TokenQuery.builder(NOW).owner("owner-" + t).size(1).build()).total()).isEqualTo(each);
            for (int i = 0; i < each; i++) {
                String id = String.format("c%02d-%03d", t, i);
                assertThat(store.findByDigest(TokenFixture.digestOf(id))).map(TokenRecord::id).contains(id);
            }
        }
        if (feed().isPresent()) {
            List<ChangeEvent> events = allChanges();
            assertThat(events).hasSize(threads * each);
            assertThat(events).extracting(e -> e.tokenId().orElseThrow()).doesNotHaveDuplicates();
            ChangeFeedContract.assertStrictlyIncreasing(events);
        }
    }

    @Test
    @DisplayName("TokenStore: thread-safe — racing updates of one record: version == number of successful updates")
    void updateWhenManyThreadsRaceOnOneRecordThenVersionEqualsSuccessfulUpdates() throws Exception {
        assumeConcurrentWriters();
        store.insert(token("race").build());
        int threads = concurrentThreads();
        int perThread = 10;
        AtomicInteger conflicts = new AtomicInteger();

        List<Integer> successes = runConcurrently(threads, t -> {
            int ok = 0;
            while (ok < perThread) {
                TokenRecord current = store.findById("race").orElseThrow();
                try {
                    store.update(current.withName("thread " + t + " update " + ok), current.version());
                    ok++;
                } catch (ConcurrentUpdateException e) {
                    conflicts.incrementAndGet();
                }
            }
            return ok;
        });

        int total = successes.stream().mapToInt(Integer::intValue).sum();
        assertThat(total).isEqualTo(threads * perThread);
        assertThat(store.findById("race").orElseThrow().version()).isEqualTo(total);
        if (feed().isPresent()) {
            assertThat(allChanges()).hasSize(1 + total);
        }
    }

    @Test
    @DisplayName("TokenStore: thread-safe — concurrent recordLastUse batches end with the latest use")
    void recordLastUseWhenManyThreadsRecordAtOnceThenLatestWins() throws Exception {
        assumeConcurrentWriters();
        for (int i = 0; i < 10; i++) {
            store.insert(token("u" + i).build());
        }
        int threads = concurrentThreads();

        runConcurrently(threads, t -> {
            for (int round = 0; round < 20; round++) {
                List<LastUse> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    // thread t, round r -> minute (r * threads + t); the latest is the highest
                    batch.add(new LastUse("u" + ((i + t) % 10), T0.plus(Duration.ofMinutes((long) round * threads + t)),
                            "10.0." + t + "." + round));
                }
                Collections.shuffle(batch);
                store.recordLastUse(batch);
            }
            return null;
        });

        Instant expected = T0.plus(Duration.ofMinutes(19L * threads + threads - 1));
        for (int i = 0; i < 10; i++) {
            assertThat(store.findById("u" + i).orElseThrow().lastUse()).map(LastUse::at).contains(expected);
            assertThat(store.findById("u" + i).orElseThrow().version()).isZero();
        }
    }

    @Test
    @DisplayName("TokenStore: thread-safe — updates and last-use recording at once lose neither")
    void updateWhenRacingWithRecordLastUseThenBothAreKept() throws Exception {
        assumeConcurrentWriters();
        store.insert(token("mix").build());

        runConcurrently(2, t -> {
            for (int i = 0; i < 30; i++) {
                if (t == 0) {
                    store.recordLastUse(List.of(new LastUse("mix", T0.plus(Duration.ofSeconds(i)), "192.0.2." + i)));
                } else {
                    while (true) {
                        TokenRecord current = store.findById("mix").orElseThrow();
                        try {
                            store.update(current.withName("n" + i), current.version());
                            break;
                        } catch (ConcurrentUpdateException e) {
                            // retry
                        }
                    }
                }
            }
            return null;
        });

        TokenRecord end = store.findById("mix").orElseThrow();
        assertThat(end.version()).isEqualTo(30);
        assertThat(end.name()).isEqualTo("n29");
        assertThat(end.lastUse()).contains(new LastUse("mix", T0.plus(Duration.ofSeconds(29)), "192.0.2.29"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // purge
    // ---------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("TokenStore.purge: removes records revoked or expired before `before`; never an active record")
    void purgeWhenRevokedOrExpiredBeforeThenRemovedAndOthersKept() {
        store.insert(token("keep-active").createdAt(T0.minus(Duration.ofDays(3650))).build());
        store.insert(token("gone-revoked").revokedAt(days(1)).build());
        store.insert(token("gone-expired").expiresAt(days(1)).build());
        store.insert(token("gone-both").expiresAt(days(2)).revokedAt(days(1)).build());
        store.insert(token("keep-revoked-later").revokedAt(days(10)).build());
        store.insert(token("keep-expires-later").expiresAt(days(10)).build());
        store.insert(token("keep-expired-at-before").expiresAt(NOW).build());
        store.insert(token("keep-revoked-at-before").revokedAt(NOW).build());

        int removed = store.purge(NOW);

        assertThat(removed).isEqualTo(3);
        assertThat(store.findById("gone-revoked")).isEmpty();
        assertThat(store.findById("gone-expired")).isEmpty();
        assertThat(store.findById("gone-both")).isEmpty();
        assertThat(store.findByDigest(TokenFixture.digestOf("gone-expired"))).isEmpty();
        assertThat(ids(q -> q)).containsExactlyInAnyOrder("keep-active", "keep-revoked-later", "keep-expires-later",
                "keep-expired-at-before", "keep-revoked-at-before");
        assertThat(store.purge(NOW)).isZero();
    }

    @Test
    @DisplayName("TokenStore.purge: never an active record, however old")
    void purgeWhenOnlyActiveRecordsThenNothingRemoved() {
        store.insert(token("a1").createdAt(T0.minus(Duration.ofDays(10_000))).build());
        store.insert(token("a2").expiresAt(days(100)).build());

        assertThat(store.purge(days(50))).isZero();
        assertThat(ids(q -> q)).containsExactly("a1", "a2");
    }

    // ---------------------------------------------------------------------------------------------------------
    // limits: InsertConditions and rotate
    // ---------------------------------------------------------------------------------------------------------

    /**
     * How many threads race in the limit tests (the numbers of the reported attack).
     *
     * @return the thread count (default 40)
     */
    protected int limitRaceThreads() {
        return 40;
    }

    private static InsertConditions atMost(int limit) {
        return InsertConditions.asOf(NOW).withMaxActivePerOwner(limit);
    }

    private static TokenRecord revokedForRotation(TokenRecord r, String successorId) {
        return r.withRevocation(new Revocation(NOW, "rotator", "rotated to " + successorId));
    }

    @Test
    @DisplayName("TokenStore.insert(record, conditions): maxActivePerOwner counts only the owner's ACTIVE records")
    void insertWhenOwnerIsAtTheLimitThenLimitExceededAndNothingWritten() {
        store.insert(token("l-1").owner("alice").build(), atMost(2));
        store.insert(token("l-revoked").owner("alice").revokedAt(days(1)).build(), atMost(2));
        store.insert(token("l-expired").owner("alice").expiresAt(days(1)).build(), atMost(2));
        store.insert(token("l-bob").owner("bob").build(), atMost(2));
        store.insert(token("l-2").owner("alice").build(), atMost(2));
        long before = feedSequence();

        Throwable refused = catchThrowable(() -> store.insert(token("l-3").owner("alice").build(), atMost(2)));

        assertThat(refused).isInstanceOf(LimitExceededException.class);
        assertThat(((LimitExceededException) refused).limit()).isEqualTo(LimitExceededException.Limit.ACTIVE_TOKENS_PER_OWNER);
        assertThat(store.findById("l-3")).isEmpty();
        assertThat(store.findByDigest(TokenFixture.digestOf("l-3"))).isEmpty();
        assertThat(feedSequence()).isEqualTo(before);
        assertThat(store.countActive("alice", NOW)).isEqualTo(2);
        store.insert(token("l-bob-2").owner("bob").build(), atMost(2));
    }

    @Test
    @DisplayName("TokenStore.insert(record, conditions): uniqueActiveServiceName refuses a second active service of one name")
    void insertWhenActiveServiceNameIsTakenThenLimitExceeded() {
        InsertConditions unique = InsertConditions.asOf(NOW).withUniqueActiveServiceName();
        store.insert(token("svc-old").kind(TokenKind.SERVICE).owner("service:bot").revokedAt(days(1)).build(), unique);
        store.insert(token("svc-expired").kind(TokenKind.SERVICE).owner("service:bot").expiresAt(days(1)).build(), unique);
        store.insert(token("svc-1").kind(TokenKind.SERVICE).owner("service:bot").build(), unique);

        Throwable refused = catchThrowable(() ->
                store.insert(token("svc-2").kind(TokenKind.SERVICE).owner("service:bot").build(), unique));

        assertThat(refused).isInstanceOf(LimitExceededException.class);
        assertThat(((LimitExceededException) refused).limit()).isEqualTo(LimitExceededException.Limit.ACTIVE_SERVICE_NAME);
        assertThat(store.findById("svc-2")).isEmpty();
        store.insert(token("svc-other").kind(TokenKind.SERVICE).owner("service:other-bot").build(), unique);
        assertThatThrownBy(() -> store.insert(token("p-1").owner("alice").build(), unique))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("TokenStore.rotate: revokes the predecessor and inserts the successor, one change event each")
    void rotateWhenPredecessorIsActiveThenBothAreWrittenAtomically() {
        store.insert(token("rot-old").build());
        TokenRecord old = store.findById("rot-old").orElseThrow();
        long before = feedSequence();

        TokenRecord stored = store.rotate(revokedForRotation(old, "rot-new"), old.version(), token("rot-new").build(),
                atMost(1));

        assertThat(stored.version()).isEqualTo(old.version() + 1);
        assertThat(stored.revocation()).map(Revocation::reason).contains("rotated to rot-new");
        assertThat(store.findById("rot-old").orElseThrow().state(NOW)).isEqualTo(TokenState.REVOKED);
        assertThat(store.findByDigest(TokenFixture.digestOf("rot-new"))).map(TokenRecord::id).contains("rot-new");
        assertThat(store.countActive("alice", NOW)).isEqualTo(1);
        if (feed().isPresent()) {
            List<ChangeEvent> events = changesSince(before, 10);
            assertThat(events).extracting(e -> e.tokenId().orElseThrow()).containsExactly("rot-old", "rot-new");
        }
    }

    @Test
    @DisplayName("TokenStore.rotate: a predecessor that is already revoked or stale is refused and nothing is written")
    void rotateWhenPredecessorWasAlreadyRotatedOrChangedThenConcurrentUpdateAndNothingWritten() {
        store.insert(token("rr-old").build());
        TokenRecord old = store.findById("rr-old").orElseThrow();
        store.rotate(revokedForRotation(old, "rr-first"), old.version(), token("rr-first").build(), InsertConditions.none());
        TokenRecord revoked = store.findById("rr-old").orElseThrow();
        long before = feedSequence();

        assertThatThrownBy(() -> store.rotate(revokedForRotation(old, "rr-second"), old.version(),
                token("rr-second").build(), InsertConditions.none())).isInstanceOf(ConcurrentUpdateException.class);
        assertThatThrownBy(() -> store.rotate(revokedForRotation(revoked, "rr-third"), revoked.version(),
                token("rr-third").build(), InsertConditions.none())).isInstanceOf(ConcurrentUpdateException.class);
        assertThatThrownBy(() -> store.rotate(revokedForRotation(token("rr-missing").build(), "rr-4"), 0,
                token("rr-4").build(), InsertConditions.none())).isInstanceOf(ConcurrentUpdateException.class);

        assertThat(store.findById("rr-second")).isEmpty();
        assertThat(store.findById("rr-third")).isEmpty();
        assertThat(store.findById("rr-4")).isEmpty();
        assertThat(store.findById("rr-old").orElseThrow()).isEqualTo(revoked);
        assertThat(feedSequence()).isEqualTo(before);
    }

    @Test
    @DisplayName("TokenStore.rotate: the limit is judged with the predecessor revoked; a refusal writes nothing")
    void rotateWhenOwnerIsOverTheLimitThenLimitExceededAndPredecessorStaysActive() {
        store.insert(token("ro-1").build());
        store.insert(token("ro-2").build());
        TokenRecord one = store.findById("ro-1").orElseThrow();
        store.rotate(revokedForRotation(one, "ro-1b"), one.version(), token("ro-1b").build(), atMost(2));
        store.insert(token("ro-3").build());
        TokenRecord two = store.findById("ro-2").orElseThrow();
        long before = feedSequence();

        Throwable refused = catchThrowable(() -> store.rotate(revokedForRotation(two, "ro-2b"), two.version(),
                token("ro-2b").build(), atMost(1)));

        assertThat(refused).isInstanceOf(LimitExceededException.class);
        assertThat(store.findById("ro-2").orElseThrow()).isEqualTo(two);
        assertThat(store.findById("ro-2b")).isEmpty();
        assertThat(feedSequence()).isEqualTo(before);
        assertThatThrownBy(() -> store.rotate(two, two.version(), token("ro-2c").build(), InsertConditions.none()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("TokenStore: limits hold under concurrency — N racing inserts over maxActivePerOwner leave exactly the limit")
    void insertWhenManyThreadsRaceOverTheLimitThenExactlyTheLimitIsActive() throws Exception {
        assumeConcurrentWriters();
        int threads = limitRaceThreads();
        int limit = 5;

        List<String> outcomes = runConcurrently(threads, t -> {
            try {
                store.insert(token(String.format("lim-%02d", t)).owner("racer").build(), atMost(limit));
                return "inserted";
            } catch (LimitExceededException e) {
                return "refused";
            }
        });

        assertThat(outcomes).filteredOn("inserted"::equals).hasSize(limit);
        assertThat(outcomes).filteredOn("refused"::equals).hasSize(threads - limit);
        assertThat(store.countActive("racer", NOW)).isEqualTo(limit);
        assertThat(store.query(TokenQuery.builder(NOW).owner("racer").size(1).build()).total()).isEqualTo(limit);
        if (feed().isPresent()) {
            assertThat(allChanges()).hasSize(limit);
        }
    }

    @Test
    @DisplayName("TokenStore: limits hold under concurrency — of N racing rotations of one record exactly one succeeds")
    void rotateWhenManyThreadsRotateOneRecordThenExactlyOneSucceeds() throws Exception {
        assumeConcurrentWriters();
        store.insert(token("hot").owner("rotor").build());
        TokenRecord old = store.findById("hot").orElseThrow();
        int threads = Math.max(10, concurrentThreads());

        List<String> outcomes = runConcurrently(threads, t -> {
            String next = String.format("hot-next-%02d", t);
            try {
                store.rotate(revokedForRotation(old, next), old.version(), token(next).owner("rotor").build(),
                        atMost(5));
                return next;
            } catch (ConcurrentUpdateException e) {
                return "lost";
            }
        });

        List<String> winners = outcomes.stream().filter(o -> !o.equals("lost")).toList();
        assertThat(winners).hasSize(1);
        assertThat(outcomes).filteredOn("lost"::equals).hasSize(threads - 1);
        Page<TokenRecord> active = store.query(TokenQuery.builder(NOW).owner("rotor").state(TokenState.ACTIVE).build());
        assertThat(active.items()).extracting(TokenRecord::id).containsExactly(winners.get(0));
        assertThat(store.findById("hot").orElseThrow().revocation()).map(Revocation::reason)
                .contains("rotated to " + winners.get(0));
        assertThat(store.query(TokenQuery.builder(NOW).owner("rotor").size(1).build()).total()).isEqualTo(2);
        if (feed().isPresent()) {
            assertThat(allChanges()).hasSize(3);
        }
    }

    @Test
    @DisplayName("TokenStore: limits hold under concurrency — N racing inserts of one service name leave exactly one")
    void insertWhenManyThreadsCreateOneServiceNameThenExactlyOneIsActive() throws Exception {
        assumeConcurrentWriters();
        int threads = Math.max(10, concurrentThreads());
        InsertConditions unique = InsertConditions.asOf(NOW).withUniqueActiveServiceName();

        List<String> outcomes = runConcurrently(threads, t -> {
            try {
                store.insert(token(String.format("dup-%02d", t)).kind(TokenKind.SERVICE).owner("service:dup-bot")
                        .build(), unique);
                return "inserted";
            } catch (LimitExceededException e) {
                return "refused";
            }
        });

        assertThat(outcomes).filteredOn("inserted"::equals).hasSize(1);
        assertThat(store.countActive("service:dup-bot", NOW)).isEqualTo(1);
        assertThat(store.query(TokenQuery.builder(NOW).owner("service:dup-bot").size(1).build()).total()).isEqualTo(1);
    }
}
