package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.UserDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The password rules in the engine (issue 15): the paths they concern, break-glass exemptions by user and by group
 * (through the engine's directory cache), the global allowlist for passwords, the failed-attempt limit, and the
 * audit of refusals — never holding the password or a token.
 */
class PasswordGateTest {
    private static final String INSIDE = "10.1.2.3";
    private static final String OUTSIDE = "192.0.2.7";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    private final InMemoryUserDirectory users = new InMemoryUserDirectory()
            .add("alice", "developers").add("bob").add("admin", "admins").add("oncall", "break-glass");
    private final AtomicInteger directoryReads = new AtomicInteger();
    private final UserDirectory counted = name -> {
        directoryReads.incrementAndGet();
        return users.findUser(name);
    };
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private Latchkey latchkey;

    @AfterEach
    void close() {
        if (latchkey != null) {
            latchkey.close();
        }
    }

    /** A single-node engine (its caches always trusted) over the counted directory, with a 2 s directory cache. */
    private PasswordGate gate(PasswordRules rules) {
        return gate(rules, b -> { });
    }

    private PasswordGate gate(PasswordRules rules, Consumer<Latchkey.Builder> options) {
        Latchkey.Builder b = Latchkey.builder().store(new InMemoryTokenStore(clock)).directory(counted)
                .auditSink(audit).clock(clock).directoryCacheTtl(Duration.ofSeconds(2))
                .initialPolicy(Policy.defaults().with(Map.of("globalAllowedCidrs", "10.0.0.0/8",
                        "useTokens", "developers,admins", "createTokens", "developers,admins", "administerPolicy", "admins",
                        "levelGrants", "*=WRITE")));
        options.accept(b);
        latchkey = b.build();
        return latchkey.passwordGate(rules);
    }

    private static RequestFacts get(String path, String ip) {
        return RequestFacts.of("GET", path, ip);
    }

    private static PasswordRefusal refusal(PasswordDecision d) {
        return d instanceof PasswordDecision.Refused r ? r.reason() : null;
    }

    private List<AuditEvent> refusals() {
        assertThat(latchkey.flushAudit()).as("the refusal queue drained").isTrue();
        return audit.ofType(AuditEventType.PASSWORD_AUTH_REFUSED);
    }

    @Test
    void decideWhenNoRuleConcernsThePathThenToHostAndNothingAskedOrAudited() {
        PasswordGate gate = gate(PasswordRules.builder().disablePasswordAuthFor("/rest/*")
                .passwordAuthExemptGroups("break-glass").build());
        for (String path : new String[] {"/ui", "/restaurant", "/", "/x/rest/y"}) {
            assertThat(gate.rules().restricts(path)).as(path).isFalse();
            assertThat(gate.decide("alice", get(path, OUTSIDE))).as(path).isEqualTo(new PasswordDecision.ToHost());
        }
        assertThat(latchkey.passwordGate(PasswordRules.none()).decide("alice", get("/rest/x", OUTSIDE)).toHost())
                .isTrue();
        assertThat(directoryReads).hasValue(0);
        assertThat(refusals()).isEmpty();
    }

    @Test
    void decideWhenPasswordOnDisabledPathThenRefusedAndAuditedAsAClaimWithTheEngineClock() {
        PasswordGate gate = gate(PasswordRules.builder().disablePasswordAuthFor("/rest/*", "/exact", "*.json").build());
        for (String path : new String[] {"/rest", "/rest/api/1.0/projects", "/exact", "/a/b.json"}) {
            assertThat(refusal(gate.decide("alice", get(path, INSIDE)))).as(path)
                    .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        }
        for (String path : new String[] {"/restaurant", "/exact/more", "/a.json/b"}) {
            assertThat(gate.decide("alice", get(path, INSIDE)).toHost()).as(path).isTrue();
        }
        List<AuditEvent> events = refusals();
        assertThat(events).hasSize(4);
        AuditEvent e = events.get(1);
        assertThat(e.actor()).as("the user name was never checked: not the actor").isEqualTo("anonymous");
        assertThat(e.details()).containsEntry("claimedUser", "alice").containsEntry("method", "GET")
                .containsEntry("path", "/rest/api/1.0/projects");
        assertThat(e.reason()).contains("PASSWORD_AUTH_DISABLED");
        assertThat(e.outcome()).isEqualTo(AuditOutcome.FAILURE);
        assertThat(e.clientIp()).contains(INSIDE);
        assertThat(e.tokenId()).isEmpty();
        assertThat(e.at()).isEqualTo(clock.instant());
    }

    @Test
    void decideWhenEveryPathDisabledThenEvenTheRootRefused() {
        PasswordGate gate = gate(PasswordRules.builder().disablePasswordAuthFor("/*").build());
        assertThat(refusal(gate.decide("bob", get("/", INSIDE)))).isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        assertThat(refusal(gate.decide("bob", get("/anything/at/all", INSIDE))))
                .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
    }

    @Test
    void decideWhenExemptUserThenToHostOnDisabledPathsButNeverWhereATokenIsRequired() {
        PasswordGate gate = gate(PasswordRules.builder().disablePasswordAuthFor("/rest/*").requireTokenFor("/git/*")
                .passwordAuthExemptUsers("admin").build());
        assertThat(gate.decide("admin", get("/rest/x", INSIDE)).toHost()).isTrue();
        assertThat(refusal(gate.decide("Admin", get("/rest/x", INSIDE)))).as("names are exact")
                .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        assertThat(refusal(gate.decide("admin", get("/git/repo.git/info/refs", INSIDE))))
                .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        assertThat(gate.rules().requiresToken("/git/x")).isTrue();
        assertThat(gate.rules().requiresToken("/rest/x")).isFalse();
        assertThat(directoryReads).as("no exempt groups: the directory is never asked").hasValue(0);
    }

    @Test
    void decideWhenExemptGroupThenReadThroughTheEngineDirectoryCache() {
        PasswordGate gate = gate(PasswordRules.builder().disablePasswordAuthFor("/rest/*")
                .passwordAuthExemptGroups("break-glass").build());
        assertThat(gate.decide("oncall", get("/rest/x", INSIDE)).toHost()).isTrue();
        assertThat(gate.decide("oncall", get("/rest/y", INSIDE)).toHost()).isTrue();
        assertThat(directoryReads).as("the second check came from the engine's directory cache").hasValue(1);
        assertThat(refusal(gate.decide("alice", get("/rest/x", INSIDE))))
                .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        assertThat(refusal(gate.decide("nobody", get("/rest/x", INSIDE))))
                .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);

        // the same cache as the token path: a deactivation shows once the directory TTL has passed
        users.deactivate("oncall");
        assertThat(gate.decide("oncall", get("/rest/x", INSIDE)).toHost()).as("within the TTL").isTrue();
        clock.advance(Duration.ofSeconds(3));
        assertThat(refusal(gate.decide("oncall", get("/rest/x", INSIDE))))
                .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        assertThat(refusal(gate.decide("", get("/rest/x", INSIDE)))).as("an empty user name is nobody's")
                .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
    }

    @Test
    void decideWhenTokenOwnerWasLookedUpThenTheExemptionSharesThatCacheEntry() {
        PasswordGate gate = gate(PasswordRules.builder().disablePasswordAuthFor("/rest/*")
                .passwordAuthExemptGroups("developers").build());
        IssuedToken t = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build());
        assertThat(latchkey.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                get("/rest/x", INSIDE)).isAllowed()).isTrue();
        int reads = directoryReads.get();
        assertThat(gate.decide("alice", get("/rest/x", INSIDE)).toHost()).isTrue();
        assertThat(directoryReads).as("alice's entry was cached by the token decision").hasValue(reads);
    }

    @Test
    void decideWhenRulesNameTheirOwnDirectoryThenItIsAskedEveryTime() {
        InMemoryUserDirectory own = new InMemoryUserDirectory().add("carol", "break-glass");
        PasswordGate gate = gate(PasswordRules.builder().disablePasswordAuthFor("/rest/*")
                .passwordAuthExemptGroups("break-glass").userDirectory(own).build());
        assertThat(gate.decide("carol", get("/rest/x", INSIDE)).toHost()).isTrue();
        own.deactivate("carol");
        assertThat(refusal(gate.decide("carol", get("/rest/x", INSIDE))))
                .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        assertThat(refusal(gate.decide("oncall", get("/rest/x", INSIDE)))).as("not the engine's directory")
                .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        assertThat(directoryReads).hasValue(0);
    }

    @Test
    void decideWhenDirectoryFailsThenNobodyIsExempt() {
        UserDirectory broken = name -> {
            throw new IllegalStateException("directory down");
        };
        PasswordGate gate = gate(PasswordRules.builder().disablePasswordAuthFor("/rest/*")
                .passwordAuthExemptUsers("admin").passwordAuthExemptGroups("break-glass").userDirectory(broken).build());
        assertThat(refusal(gate.decide("oncall", get("/rest/x", INSIDE))))
                .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        assertThat(gate.decide("admin", get("/rest/x", INSIDE)).toHost()).as("named users need no directory").isTrue();
    }

    @Test
    void decideWhenAllowlistAppliesThenOutsideAndUnknownClientsRefused() {
        PasswordGate gate = gate(PasswordRules.builder().applyGlobalAllowlistToPasswordAuth("/rest/*")
                .disablePasswordAuthFor("/admin/*").passwordAuthExemptUsers("admin").build());
        assertThat(gate.decide("alice", get("/rest/x", INSIDE)).toHost()).isTrue();
        assertThat(gate.decide("alice", get("/rest/x", "::ffff:10.9.9.9")).toHost()).isTrue();
        for (String ip : new String[] {OUTSIDE, RequestFacts.UNKNOWN_CLIENT_IP, "", "10.1.2.3.4", "not an address",
                "10.9.9.9, 192.0.2.1", "010.9.9.9"}) {
            assertThat(refusal(gate.decide("alice", get("/rest/x", ip)))).as("'%s'", ip)
                    .isEqualTo(PasswordRefusal.IP_NOT_ALLOWED);
        }
        assertThat(refusal(gate.decide("admin", get("/rest/x", OUTSIDE)))).as("exempt users are not exempt here")
                .isEqualTo(PasswordRefusal.IP_NOT_ALLOWED);
        assertThat(gate.decide("alice", get("/ui", OUTSIDE)).toHost()).as("not an allowlisted path").isTrue();
        assertThat(refusals()).allSatisfy(e -> assertThat(e.reason()).contains("IP_NOT_ALLOWED"))
                .anySatisfy(e -> assertThat(e.clientIp()).contains(RequestFacts.UNKNOWN_CLIENT_IP));

        // the allowlist in force: a policy change applies at once, and an empty allowlist limits nothing
        latchkey.policy().update(Actor.user("admin"), Map.of("globalAllowedCidrs", ""));
        assertThat(gate.decide("alice", get("/rest/x", OUTSIDE)).toHost()).isTrue();
        assertThat(gate.decide("alice", get("/rest/x", RequestFacts.UNKNOWN_CLIENT_IP)).toHost()).isTrue();
    }

    @Test
    void decideWhenAddressFailsTooOftenThenRateLimitedBeforeTheDirectoryIsAsked() {
        PasswordGate gate = gate(PasswordRules.builder().disablePasswordAuthFor("/rest/*")
                .passwordAuthExemptGroups("break-glass").build(), b -> b.failedAttemptLimit(3, Duration.ofMinutes(1)));
        for (int i = 0; i < 3; i++) {
            assertThat(refusal(gate.decide("alice", get("/rest/x", OUTSIDE))))
                    .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        }
        int reads = directoryReads.get();
        PasswordDecision limited = gate.decide("oncall", get("/rest/x", OUTSIDE));
        assertThat(limited).isInstanceOf(PasswordDecision.RateLimited.class);
        assertThat(limited.toHost()).isFalse();
        assertThat(((PasswordDecision.RateLimited) limited).retryAfter()).isBetween(Duration.ofSeconds(1),
                Duration.ofSeconds(20));
        assertThat(directoryReads).as("a limited address costs no directory read").hasValue(reads);
        // the limit is per address, and tokens from the limited address wait as well (one budget)
        assertThat(gate.decide("oncall", get("/rest/x", INSIDE)).toHost()).isTrue();
        IssuedToken t = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build());
        Decision d = latchkey.authenticator().authenticate(Credential.bearer(t.secret().reveal()), get("/x", OUTSIDE));
        assertThat(d).isInstanceOfSatisfying(Decision.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(RefusalReason.RATE_LIMITED));
        assertThat(refusals()).as("rate-limited attempts are aggregated, not audited one by one").hasSize(3);
        // paths no rule concerns are the host's, limited or not
        assertThat(gate.decide("alice", get("/ui", OUTSIDE)).toHost()).isTrue();
    }

    @Test
    void decideWhenAllowlistRefusesThenNotAFailedAttempt() {
        PasswordGate gate = gate(PasswordRules.builder().applyGlobalAllowlistToPasswordAuth("/rest/*").build(),
                b -> b.failedAttemptLimit(2, Duration.ofMinutes(1)));
        for (int i = 0; i < 5; i++) {
            assertThat(refusal(gate.decide("alice", get("/rest/x", OUTSIDE)))).as("attempt %d", i)
                    .isEqualTo(PasswordRefusal.IP_NOT_ALLOWED);
        }
    }

    @Test
    void decideWhenUserNameOrPathHoldATokenOrControlCharactersThenAuditAndLogNeverShowThem() {
        PasswordGate gate = gate(PasswordRules.builder().disablePasswordAuthFor("/rest/*").build());
        String token = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build())
                .secret().reveal();
        String body = token.substring(token.indexOf('_') + 1);
        // user and password swapped: the token arrives as the user name
        assertThat(refusal(gate.decide(token, get("/rest/" + token, INSIDE))))
                .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        assertThat(refusal(gate.decide("eve\r\nINFO forged line\u202e", new RequestFacts("GET\n", "/rest/x\u0000",
                "", "10.1.2.3\n")))).isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        List<AuditEvent> events = refusals();
        assertThat(events).hasSize(2);
        assertThat(events.get(0).toString()).doesNotContain(body).contains("[redacted]");
        assertThat(events.get(0).details().get("claimedUser")).doesNotContain(body);
        for (AuditEvent e : events) {
            for (String v : e.details().values()) {
                assertThat(v).doesNotContain("\r").doesNotContain("\n").doesNotContain("\u0000")
                        .doesNotContain("\u202e");
            }
            assertThat(e.clientIp().orElseThrow()).doesNotContain("\n");
        }
    }

    @Test
    void decideWhenRulesNameTheirOwnSinkAndClockThenRecordedThereAtOnceAndAFailingSinkRefusesNoMore() {
        Clock fixed = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        RecordingAuditSink own = new RecordingAuditSink();
        PasswordGate gate = gate(PasswordRules.builder().disablePasswordAuthFor("/rest/*").auditSink(own).clock(fixed)
                .build());
        gate.decide("alice", get("/rest/x", INSIDE));
        assertThat(own.ofType(AuditEventType.PASSWORD_AUTH_REFUSED)).as("on the request thread, no flush")
                .singleElement().satisfies(e -> assertThat(e.at()).isEqualTo(fixed.instant()));
        assertThat(refusals()).as("not the engine's sink").isEmpty();

        PasswordGate failing = latchkey.passwordGate(PasswordRules.builder().disablePasswordAuthFor("/rest/*")
                .auditSink(event -> {
                    throw new IllegalStateException("sink down");
                }).build());
        assertThat(refusal(failing.decide("alice", get("/rest/x", INSIDE))))
                .isEqualTo(PasswordRefusal.PASSWORD_AUTH_DISABLED);
        assertThat(failing.decide("alice", get("/ui", INSIDE)).toHost()).isTrue();
    }

    @Test
    void decideWhenArgumentsNullThenNullPointerException() {
        PasswordGate gate = gate(PasswordRules.none());
        assertThatThrownBy(() -> gate.decide(null, get("/x", INSIDE))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> gate.decide("alice", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> latchkey.passwordGate(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void builderWhenContradictoryOrRepeatedThenRejectedWithAdvice() {
        assertThatThrownBy(() -> PasswordRules.builder().passwordAuthExemptUsers("admin").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("disablePasswordAuthFor");
        assertThatThrownBy(() -> PasswordRules.builder().passwordAuthExemptGroups("g")
                .applyGlobalAllowlistToPasswordAuth("/*").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("disablePasswordAuthFor");
        assertThatThrownBy(() -> PasswordRules.builder().disablePasswordAuthFor("/a/*").disablePasswordAuthFor("/b/*"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
        assertThatThrownBy(() -> PasswordRules.builder().requireTokenFor("api/*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requireTokenFor");
        assertThatThrownBy(() -> PasswordRules.builder().userDirectory(null)).isInstanceOf(NullPointerException.class);
        PasswordRules rules = PasswordRules.builder().disablePasswordAuthFor("/rest/*").passwordAuthExemptUsers("a")
                .build();
        assertThat(rules.exemptUsers()).containsExactly("a");
        assertThat(rules.userDirectory()).isEmpty();
        assertThat(rules.toString()).contains("passwordAuthDisabledFor=[/rest/*]", "exemptUsers=[a]");
        assertThat(PasswordRules.none().restricts("/")).isFalse();
    }
}
