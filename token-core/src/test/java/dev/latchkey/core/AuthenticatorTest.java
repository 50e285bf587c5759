package dev.latchkey.core;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import static dev.latchkey.core.Fixture.reason;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.TokenKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    private final Fixture f = new Fixture();

    @AfterEach
    void close() {
        f.close();
    }

    // ---- scope: READ tokens and git smart HTTP

    @Test
    void authenticateWhenReadTokenGetsThenAllowedAsOwner() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        Decision d = f.auth(t, "GET", "/rest/api/1.0/projects");
        assertThat(d).isInstanceOf(Decision.Allowed.class);
        Decision.Allowed a = (Decision.Allowed) d;
        assertThat(a.principal().getName()).isEqualTo("alice");
        assertThat(a.token().id()).isEqualTo(t.record().id());
        assertThat(a.token().effectiveScope().level()).isEqualTo(AccessLevel.READ);
    }

    @Test
    void authenticateWhenReadTokenGitFetchesThenAllowed() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThat(f.auth(t, "GET", "/scm/p/r.git/info/refs", "service=git-upload-pack", "10.1.2.3").isAllowed()).isTrue();
        assertThat(f.auth(t, "POST", "/scm/p/r.git/git-upload-pack").isAllowed()).isTrue();
    }

    @Test
    void authenticateWhenReadTokenWritesThenInsufficientScope() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            assertThat(reason(f.auth(t, method, "/rest/api/1.0/projects/P/repos"))).as(method)
                    .isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
        }
    }

    @Test
    void authenticateWhenReadTokenGitPushesThenInsufficientScope() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThat(reason(f.auth(t, "GET", "/scm/p/r.git/info/refs", "service=git-receive-pack", "10.1.2.3")))
                .isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
        assertThat(reason(f.auth(t, "POST", "/scm/p/r.git/git-receive-pack")))
                .isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
    }

    @Test
    void authenticateWhenServiceParameterRepeatedThenPushIsNeverDowngraded() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThat(reason(f.auth(t, "GET", "/scm/p/r.git/info/refs",
                "service=git-upload-pack&service=git-receive-pack", "10.1.2.3")))
                .isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
    }

    @Test
    void authenticateWhenWriteTokenPushesThenAllowed() {
        IssuedToken t = f.create("alice", AccessLevel.WRITE);
        assertThat(f.auth(t, "POST", "/scm/p/r.git/git-receive-pack").isAllowed()).isTrue();
    }

    @Test
    void authenticateWhenPathIsAmbiguousThenRefused() {
        IssuedToken t = f.create("alice", AccessLevel.WRITE);
        for (String path : List.of("/a/../b", "/a;x=y", "/a//b", "a", "/a/%2e%2e/b", "/a\\b", "/a\u0000")) {
            assertThat(reason(f.auth(t, "GET", path))).as(path).isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
        }
    }

    // ---- CIDR rules

    @Test
    void authenticateWhenTokenLimitedTo10Slash8ThenOnlyThatNetworkInBothForms() {
        IssuedToken t = f.latchkey.tokens().create(Actor.user("alice"),
                NewToken.builder("net", AccessLevel.READ).allowedCidrs(List.of("10.0.0.0/8")).build());
        assertThat(reason(f.auth(t, "GET", "/x", "", "192.0.2.1"))).isEqualTo(RefusalReason.IP_NOT_ALLOWED);
        assertThat(reason(f.auth(t, "GET", "/x", "", "::ffff:192.0.2.1"))).isEqualTo(RefusalReason.IP_NOT_ALLOWED);
        assertThat(f.auth(t, "GET", "/x", "", "10.1.2.3").isAllowed()).isTrue();
        assertThat(f.auth(t, "GET", "/x", "", "::ffff:10.1.2.3").isAllowed()).isTrue();
    }

    @Test
    void authenticateWhenClientIpIsGarbageAndRulesExistThenIpNotAllowed() {
        IssuedToken t = f.latchkey.tokens().create(Actor.user("alice"),
                NewToken.builder("net", AccessLevel.READ).allowedCidrs(List.of("10.0.0.0/8")).build());
        for (String ip : List.of("", "unknown", "10.1.2.3, 10.1.2.4", "010.1.2.3", "10.1", "10.0.0.0/8", "0x0a.1.2.3",
                "10.1.2.3\u0000", "[::ffff:10.1.2.3]:80")) {
            assertThat(reason(f.auth(t, "GET", "/x", "", ip))).as(ip).isEqualTo(RefusalReason.IP_NOT_ALLOWED);
        }
    }

    @Test
    void authenticateWhenClientIpUnknownThenNoCidrOrAllowlistMatchesAndLastUseSaysUnknown() {
        IssuedToken limited = f.latchkey.tokens().create(Actor.user("alice"),
                NewToken.builder("net", AccessLevel.READ).allowedCidrs(List.of("0.0.0.0/0", "::/0")).build());
        // even a token open to every address is refused: an unknown client is not "some address"
        assertThat(reason(f.auth(limited, "GET", "/x", "", RequestFacts.UNKNOWN_CLIENT_IP)))
                .isEqualTo(RefusalReason.IP_NOT_ALLOWED);
        IssuedToken open = f.create("alice", AccessLevel.READ);
        assertThat(f.auth(open, "GET", "/x", "", RequestFacts.UNKNOWN_CLIENT_IP).isAllowed())
                .as("no rules, no limit").isTrue();
        f.latchkey.flushLastUse();
        assertThat(f.latchkey.tokens().get(Actor.user("alice"), open.record().id()).lastUse().orElseThrow().clientIp())
                .isEqualTo(RequestFacts.UNKNOWN_CLIENT_IP);
        f.latchkey.policy().update(Actor.user("admin"), Map.of("globalAllowedCidrs", "0.0.0.0/0,::/0"));
        assertThat(reason(f.auth(open, "GET", "/x", "", RequestFacts.UNKNOWN_CLIENT_IP)))
                .isEqualTo(RefusalReason.IP_NOT_ALLOWED);
        assertThat(f.latchkey.policy().allowsClientIp(RequestFacts.UNKNOWN_CLIENT_IP)).isFalse();
        assertThat(new RequestFacts("GET", "/", "", RequestFacts.UNKNOWN_CLIENT_IP).clientIpKnown()).isFalse();
    }

    @Test
    void authenticateWhenGlobalAllowlistSetThenAppliesToEveryToken() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        f.latchkey.policy().update(Actor.user("admin"), Map.of("globalAllowedCidrs", "10.0.0.0/8,2001:db8::/32"));
        assertThat(reason(f.auth(t, "GET", "/x", "", "192.0.2.1"))).isEqualTo(RefusalReason.IP_NOT_ALLOWED);
        assertThat(f.auth(t, "GET", "/x", "", "2001:db8::1").isAllowed()).isTrue();
        assertThat(f.auth(t, "GET", "/x", "", "10.9.9.9").isAllowed()).isTrue();
    }

    // ---- state

    @Test
    void authenticateWhenExpiredThenRefusedExpired() {
        IssuedToken t = f.latchkey.tokens().create(Actor.user("alice"),
                NewToken.builder("short", AccessLevel.READ).lifetime(Duration.ofHours(1)).build());
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
        f.clock.advance(Duration.ofHours(1));
        assertThat(reason(f.auth(t, "GET", "/x"))).isEqualTo(RefusalReason.EXPIRED);
    }

    @Test
    void authenticateWhenRevokedAfterBeingCachedThenRefusedImmediately() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
        int lookups = f.store.lookups.get();
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
        assertThat(f.store.lookups.get()).as("second use came from the cache").isEqualTo(lookups);
        f.latchkey.tokens().revoke(Actor.user("alice"), t.record().id(), "leaked");
        assertThat(reason(f.auth(t, "GET", "/x"))).isEqualTo(RefusalReason.REVOKED);
    }

    /**
     * The cache's safety net for a change the engine was never told of (a store edited by hand, a lost
     * notification): a cached record is trusted for its time to live (5 minutes on a single node), measured on the
     * engine's clock, and read again after it.
     */
    @Test
    void authenticateWhenRecordChangedBehindTheEnginesBackThenCachedForItsTimeToLiveThenReadAgain() {
        // single node: a node following a change feed would (rightly) stop trusting its cache when the test clock
        // jumps minutes past its staleness bound
        try (Fixture f = Fixture.with(Latchkey.Builder::singleNode)) {
            IssuedToken t = f.create("alice", AccessLevel.READ);
            assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
            dev.latchkey.spi.TokenRecord r = f.store.findById(t.record().id()).orElseThrow();
            f.store.update(r.withRevocation(new dev.latchkey.spi.Revocation(f.clock.instant(), "admin", "by hand")), r.version());
            int lookups = f.store.lookups.get();
            f.clock.advance(Duration.ofMinutes(5).minusMillis(1));
            assertThat(f.auth(t, "GET", "/x").isAllowed()).as("still cached just before the time to live").isTrue();
            assertThat(f.store.lookups.get()).isEqualTo(lookups);
            f.clock.advance(Duration.ofMillis(1));
            assertThat(reason(f.auth(t, "GET", "/x"))).as("read again at the time to live").isEqualTo(RefusalReason.REVOKED);
            assertThat(f.store.lookups.get()).isEqualTo(lookups + 1);
        }
    }

    @Test
    void authenticateWhenOwnerDeactivatedThenOwnerInactiveWithinCacheTtl() {
        IssuedToken t = f.create("dave", AccessLevel.READ);
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
        f.directory.deactivate("dave");
        f.clock.advance(Duration.ofSeconds(3));
        assertThat(reason(f.auth(t, "GET", "/x"))).isEqualTo(RefusalReason.OWNER_INACTIVE);
    }

    @Test
    void authenticateWhenOwnerRemovedFromDirectoryThenOwnerInactive() {
        IssuedToken t = f.create("dave", AccessLevel.READ);
        f.directory.remove("dave");
        f.clock.advance(Duration.ofSeconds(3));
        assertThat(reason(f.auth(t, "GET", "/x"))).isEqualTo(RefusalReason.OWNER_INACTIVE);
    }

    @Test
    void authenticateWhenOwnerLeftUseTokensGroupThenNotPermitted() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
        f.directory.setGroups("alice", Set.of("contractors"));
        f.clock.advance(Duration.ofSeconds(3));
        assertThat(reason(f.auth(t, "GET", "/x"))).isEqualTo(RefusalReason.NOT_PERMITTED);
    }

    @Test
    void authenticateWhenOwnerDemotedToReadersThenWriteTokenActsAsRead() {
        IssuedToken t = f.create("alice", AccessLevel.WRITE);
        assertThat(f.auth(t, "POST", "/x").isAllowed()).isTrue();
        f.directory.setGroups("alice", Set.of("readers"));
        f.clock.advance(Duration.ofSeconds(3));
        assertThat(reason(f.auth(t, "POST", "/x"))).isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
        Decision.Allowed a = (Decision.Allowed) f.auth(t, "GET", "/x");
        assertThat(a.token().effectiveScope().level()).isEqualTo(AccessLevel.READ);
    }

    // ---- credentials

    @Test
    void authenticateWhenBasicUsernameIsNotOwnerThenUsernameMismatch() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        Decision d = f.latchkey.authenticator().authenticate(Credential.basic("bob", t.secret().reveal()),
                RequestFacts.of("GET", "/x", "10.1.2.3"));
        assertThat(reason(d)).isEqualTo(RefusalReason.USERNAME_MISMATCH);
        Decision ok = f.latchkey.authenticator().authenticate(Credential.basic("alice", t.secret().reveal()),
                RequestFacts.of("GET", "/x", "10.1.2.3"));
        assertThat(ok.isAllowed()).isTrue();
    }

    // ---- garbage never reaches the store

    @Test
    void authenticateWhenMalformedOrMadeUpThenRefusedWithoutStoreAccess() {
        IssuedToken real = f.create("alice", AccessLevel.READ);
        String s = real.secret().reveal();
        char last = s.charAt(s.length() - 1);
        String wrongChecksum = s.substring(0, s.length() - 1) + (last == 'a' ? 'b' : 'a');
        String swappedPrefix = "lks" + s.substring(3);
        List<String> garbage = List.of("", "lkp_", "lkp_short", s + "x", s.substring(1), wrongChecksum,
                swappedPrefix, "LKP" + s.substring(3), s.replace('_', '-'), "lkp_" + "é".repeat(36),
                "Bearer " + s, s.substring(0, 20) + "\u0000" + s.substring(21), "x".repeat(100_000),
                "lkp_" + "A".repeat(36));
        int before = f.store.lookups.get();
        for (String g : garbage) {
            Decision d = f.latchkey.authenticator().authenticate(Credential.bearer(g), RequestFacts.of("GET", "/x", "10.1.2.3"));
            assertThat(reason(d)).as("input of length %d", g.length()).isEqualTo(RefusalReason.MALFORMED);
        }
        assertThat(f.store.lookups.get()).isEqualTo(before);
        assertThat(f.latchkey.authenticator().looksLikeToken(wrongChecksum)).isFalse();
        assertThat(f.latchkey.authenticator().looksLikeToken(s)).isTrue();
    }

    @Test
    void authenticateWhenWellFormedButUnknownThenUnknownAndNegativelyCached() {
        TokenFormat format = TokenFormat.defaults();
        String madeUp = format.generate(TokenKind.PERSONAL).reveal();
        int before = f.store.lookups.get();
        assertThat(reason(f.latchkey.authenticator().authenticate(Credential.bearer(madeUp),
                RequestFacts.of("GET", "/x", "10.1.2.3")))).isEqualTo(RefusalReason.UNKNOWN);
        assertThat(reason(f.latchkey.authenticator().authenticate(Credential.bearer(madeUp),
                RequestFacts.of("GET", "/x", "10.1.2.3")))).isEqualTo(RefusalReason.UNKNOWN);
        assertThat(f.store.lookups.get() - before).isEqualTo(1);
    }

    // ---- fail closed

    @Test
    void authenticateWhenStoreDownThenStoreUnavailableNeverAllowed() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        f.store.down.set(true);
        assertThat(reason(f.auth(t, "GET", "/x"))).isEqualTo(RefusalReason.STORE_UNAVAILABLE);
        f.store.down.set(false);
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
    }

    @Test
    void authenticateWhenDirectoryThrowsThenRefusedNeverAllowed() {
        Latchkey lk = Latchkey.builder().store(new InMemoryTokenStore()).auditSink(new RecordingAuditSink())
                .directory(name -> {
                    throw new IllegalStateException("LDAP down");
                }).build();
        try (lk) {
            InMemoryTokenStore store = new InMemoryTokenStore();
            assertThat(store).isNotNull();
            // no token can even be created without a directory; authenticate a made-up but well-formed one
            String madeUp = TokenFormat.defaults().generate(TokenKind.PERSONAL).reveal();
            assertThat(lk.authenticator().authenticate(Credential.bearer(madeUp), RequestFacts.of("GET", "/", "1.2.3.4"))
                    .isAllowed()).isFalse();
        }
        InMemoryUserDirectory dir = new InMemoryUserDirectory().add("alice");
        boolean[] fail = new boolean[1];
        Latchkey flaky = Latchkey.builder().store(new InMemoryTokenStore()).auditSink(new RecordingAuditSink())
                .directoryCacheTtl(Duration.ZERO)
                .directory(name -> {
                    if (fail[0]) {
                        throw new IllegalStateException("LDAP down");
                    }
                    return dir.findUser(name);
                }).build();
        try (flaky) {
            IssuedToken t = flaky.tokens().create(Actor.user("alice"), NewToken.builder("x", AccessLevel.READ).build());
            fail[0] = true;
            Decision d = flaky.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                    RequestFacts.of("GET", "/", "1.2.3.4"));
            assertThat(reason(d)).isEqualTo(RefusalReason.INTERNAL_ERROR);
        }
    }

    @Test
    void authenticateWhenRefusedThenAuditedWithReasonAndNoSecret() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        f.latchkey.tokens().revoke(Actor.user("alice"), t.record().id(), "");
        f.latchkey.authenticator().authenticate(Credential.basic(t.secret().reveal(), t.secret().reveal()),
                RequestFacts.of("GET", "/x/" + t.secret().reveal(), "10.1.2.3"));
        f.flushAudit();
        var refused = f.audit.ofType(AuditEventType.AUTHENTICATION_REFUSED);
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).reason()).contains("REVOKED");
        assertThat(refused.get(0).tokenId()).contains(t.record().id());
        assertThat(refused.get(0).toString()).doesNotContain(t.secret().reveal().substring(4));
    }

    @Test
    void authenticateWhenRefusedWithClaimedBasicUserThenActorIsAnonymousAndClaimIsADetail() {
        // a known token sent under another user's name: an individual event
        IssuedToken t = f.create("alice", AccessLevel.READ);
        f.latchkey.authenticator().authenticate(Credential.basic("admin", t.secret().reveal()),
                RequestFacts.of("GET", "/x", "10.1.2.3"));
        // a made-up token: folded into the per-window summary, which never carries the claim at all
        String madeUp = TokenFormat.defaults().generate(TokenKind.PERSONAL).reveal();
        f.latchkey.authenticator().authenticate(Credential.basic("admin", madeUp), RequestFacts.of("GET", "/x", "10.1.2.3"));
        f.flushAudit();
        var events = f.audit.ofType(AuditEventType.AUTHENTICATION_REFUSED);
        assertThat(events).hasSize(2);
        // an auditor filtering on actor=admin must not find attempts anybody could make in admin's name
        assertThat(events).allSatisfy(e -> assertThat(e.actor()).isEqualTo("anonymous"));
        var known = events.stream().filter(e -> e.tokenId().isPresent()).findFirst().orElseThrow();
        assertThat(known.reason()).contains("USERNAME_MISMATCH");
        assertThat(known.details()).containsEntry("claimedUser", "admin");
        var summary = events.stream().filter(e -> e.tokenId().isEmpty()).findFirst().orElseThrow();
        assertThat(summary.reason()).contains("UNKNOWN");
        assertThat(summary.details()).containsEntry("count", "1").doesNotContainKey("claimedUser");
    }

    @Test
    void authenticateWhenAllowedThenLastUseRecordedInBatchOnFlush() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        f.auth(t, "GET", "/x", "", "::ffff:10.1.2.3");
        assertThat(f.latchkey.tokens().get(Actor.user("alice"), t.record().id()).lastUse()).isEmpty();
        f.latchkey.flushLastUse();
        var use = f.latchkey.tokens().get(Actor.user("alice"), t.record().id()).lastUse();
        assertThat(use).isPresent();
        assertThat(use.get().clientIp()).isEqualTo("10.1.2.3");
        assertThat(use.get().at()).isEqualTo(f.clock.instant());
    }
}
