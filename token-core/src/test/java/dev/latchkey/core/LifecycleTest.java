package dev.latchkey.core;

import static dev.latchkey.core.Fixture.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final Fixture f = new Fixture();
    private final TokenService tokens = f.latchkey.tokens();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void createWhenOnBehalfWithoutManagerCapabilityThenPermissionDeniedAndAudited() {
        assertThatThrownBy(() -> tokens.create(Actor.user("alice"),
                NewToken.builder("for-bob", AccessLevel.READ).owner("bob").build()))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("on behalf of bob")
                .hasMessageContaining("token manager");
        assertThat(f.audit.ofType(AuditEventType.TOKEN_CREATE_DENIED)).singleElement()
                .satisfies(e -> {
                    assertThat(e.actor()).isEqualTo("alice");
                    assertThat(e.tokenOwner()).contains("bob");
                    assertThat(e.outcome()).isEqualTo(AuditOutcome.FAILURE);
                });
        assertThat(f.store.query(TokenQuery.builder(f.clock.instant()).build()).total()).isZero();
    }

    @Test
    void createWhenOnBehalfByManagerThenOwnerAndCreatorRecordedAndAudited() {
        IssuedToken t = tokens.create(Actor.user("admin", "10.0.0.5"),
                NewToken.builder("for-alice", AccessLevel.WRITE).owner("alice").build());
        assertThat(t.record().owner()).isEqualTo("alice");
        assertThat(t.record().createdBy()).isEqualTo("admin");
        AuditEvent e = f.audit.ofType(AuditEventType.TOKEN_CREATED).get(0);
        assertThat(e.actor()).isEqualTo("admin");
        assertThat(e.tokenOwner()).contains("alice");
        assertThat(e.tokenId()).contains(t.record().id());
        assertThat(e.clientIp()).contains("10.0.0.5");
        assertThat(e.details()).containsEntry("createdBy", "admin").containsEntry("level", "WRITE");
        // the token acts as alice, not as the admin who made it
        Decision d = f.auth(t, "POST", "/x");
        assertThat(((Decision.Allowed) d).principal().getName()).isEqualTo("alice");
    }

    @Test
    void createWhenOnBehalfAboveOwnersCeilingThenDenied() {
        assertThatThrownBy(() -> tokens.create(Actor.user("admin"),
                NewToken.builder("too-much", AccessLevel.WRITE).owner("bob").build()))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("READ");
    }

    @Test
    void createWhenReaderAsksForWriteThenDeniedNamingTheCeiling() {
        assertThatThrownBy(() -> f.create("bob", AccessLevel.WRITE))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("WRITE").hasMessageContaining("READ");
        assertThat(f.create("bob", AccessLevel.READ).record().scope().level()).isEqualTo(AccessLevel.READ);
    }

    @Test
    void createWhenUserMayNotUseTokensThenDenied() {
        assertThatThrownBy(() -> f.create("carol", AccessLevel.READ)).isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void createWhenLifetimeBeyondMaximumThenValidationErrorNamingTheMaximum() {
        assertThatThrownBy(() -> tokens.create(Actor.user("alice"),
                NewToken.builder("long", AccessLevel.READ).lifetime(Duration.ofDays(400)).build()))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("maximum lifetime of 365 days");
        assertThatThrownBy(() -> tokens.create(Actor.user("alice"), NewToken.builder("long", AccessLevel.READ)
                .expiresAt(f.clock.instant().plus(Duration.ofDays(366))).build()))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).field()).isEqualTo("expiresAt"))
                .hasMessageContaining("365 days");
    }

    @Test
    void createWhenExpiryInPastOrBothFormsThenValidationError() {
        assertThatThrownBy(() -> tokens.create(Actor.user("alice"), NewToken.builder("past", AccessLevel.READ)
                .expiresAt(f.clock.instant().minusSeconds(1)).build()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("not in the future");
        assertThatThrownBy(() -> NewToken.builder("both", AccessLevel.READ).expiresAt(f.clock.instant().plusSeconds(60))
                .lifetime(Duration.ofDays(1)).build()).isInstanceOf(ValidationException.class);
    }

    @Test
    void createWhenNoExpiryGivenThenPolicyDefaultApplies() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThat(t.record().expiresAt()).contains(f.clock.instant().plus(Duration.ofDays(90)));
    }

    @Test
    void createWhenInvalidCidrThenErrorNamesIt() {
        for (String bad : List.of("10.0.0.0/33", "10.1.2.3/8", "not-an-ip", "10.0.0.0/8; DROP", "", "1.2.3")) {
            assertThatThrownBy(() -> tokens.create(Actor.user("alice"),
                    NewToken.builder("c", AccessLevel.READ).allowedCidrs(List.of("192.168.0.0/16", bad)).build()))
                    .as(bad).isInstanceOf(ValidationException.class).hasMessageContaining("allowedCidrs");
        }
        assertThatThrownBy(() -> tokens.create(Actor.user("alice"),
                NewToken.builder("c", AccessLevel.READ).allowedCidrs(List.of("10.1.2.3/8")).build()))
                .hasMessageContaining("10.1.2.3/8").hasMessageContaining("10.0.0.0/8");
    }

    @Test
    void createWhenNameIsHostileThenValidationError() {
        for (String bad : List.of("", "   ", "a\nb", "x".repeat(256), "\uD800broken")) {
            assertThatThrownBy(() -> tokens.create(Actor.user("alice"), NewToken.builder(bad, AccessLevel.READ).build()))
                    .isInstanceOf(ValidationException.class).hasMessageStartingWith("name");
        }
        assertThat(tokens.create(Actor.user("alice"), NewToken.builder("ünïcødé 🔑", AccessLevel.READ).build())
                .record().name()).isEqualTo("ünïcødé 🔑");
    }

    @Test
    void createWhenOverMaxTokensPerUserThenConflictNamingTheSetting() {
        f.latchkey.policy().update(Actor.user("admin"), Map.of("maxTokensPerUser", "2"));
        f.create("alice", AccessLevel.READ);
        f.create("alice", AccessLevel.READ);
        assertThatThrownBy(() -> f.create("alice", AccessLevel.READ)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("maxTokensPerUser");
    }

    @Test
    void createWhenActorAuthenticatedByTokenThenDeniedUnlessPolicyAllows() {
        Actor viaToken = new Actor("alice", true, Optional.empty());
        assertThatThrownBy(() -> tokens.create(viaToken, NewToken.builder("x", AccessLevel.READ).build()))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("tokensMayManageTokens");
        f.latchkey.policy().update(Actor.user("admin"), Map.of("tokensMayManageTokens", "true"));
        assertThat(tokens.create(viaToken, NewToken.builder("x", AccessLevel.READ).build())).isNotNull();
    }

    @Test
    void createWhenServiceTokenByNonManagerThenDenied() {
        assertThatThrownBy(() -> tokens.create(Actor.user("alice"),
                NewToken.builder("bot", AccessLevel.READ).service("P/r").build()))
                .isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void createWhenServiceNameTakenThenConflict() {
        tokens.create(Actor.user("admin"), NewToken.builder("bot", AccessLevel.READ).service("P/r").build());
        assertThatThrownBy(() -> tokens.create(Actor.user("admin"),
                NewToken.builder("bot", AccessLevel.READ).service("Q/s").build())).isInstanceOf(ConflictException.class);
    }

    @Test
    void rotateWhenDoneThenOldSecretRefusedNewWorksWithSameSettings() {
        IssuedToken old = tokens.create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.WRITE)
                .allowedCidrs(List.of("10.0.0.0/8")).lifetime(Duration.ofDays(30)).build());
        assertThat(f.auth(old, "POST", "/x").isAllowed()).isTrue();
        f.clock.advance(Duration.ofDays(1));
        IssuedToken fresh = tokens.rotate(Actor.user("alice"), old.record().id());
        assertThat(reason(f.auth(old, "POST", "/x"))).isEqualTo(RefusalReason.REVOKED);
        assertThat(f.auth(fresh, "POST", "/x").isAllowed()).isTrue();
        TokenRecord n = fresh.record();
        assertThat(n.id()).isNotEqualTo(old.record().id());
        assertThat(n.name()).isEqualTo("ci");
        assertThat(n.owner()).isEqualTo("alice");
        assertThat(n.scope()).isEqualTo(old.record().scope());
        assertThat(n.allowedCidrs()).isEqualTo(List.of("10.0.0.0/8"));
        assertThat(n.expiresAt()).contains(f.clock.instant().plus(Duration.ofDays(30)));
        assertThat(fresh.secret().reveal()).isNotEqualTo(old.secret().reveal());
        assertThat(f.audit.ofType(AuditEventType.TOKEN_ROTATED)).singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("newTokenId", n.id()));
    }

    @Test
    void getWhenNotOwnerAndNotManagerThenNotFoundSoIdsCannotBeProbed() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThatThrownBy(() -> tokens.get(Actor.user("bob"), t.record().id())).isInstanceOf(TokenNotFoundException.class);
        assertThatThrownBy(() -> tokens.revoke(Actor.user("bob"), t.record().id(), "")).isInstanceOf(TokenNotFoundException.class);
        assertThat(tokens.get(Actor.user("admin"), t.record().id()).id()).isEqualTo(t.record().id());
    }

    @Test
    void updateWhenLevelAboveCeilingThenDeniedElseApplied() {
        IssuedToken t = f.create("bob", AccessLevel.READ);
        assertThatThrownBy(() -> tokens.update(Actor.user("bob"), t.record().id(), TokenChanges.none().withLevel(AccessLevel.WRITE)))
                .isInstanceOf(PermissionDeniedException.class);
        TokenRecord r = tokens.update(Actor.user("bob"), t.record().id(),
                TokenChanges.none().withName("renamed").withAllowedCidrs(List.of("::ffff:10.0.0.0/104")));
        assertThat(r.name()).isEqualTo("renamed");
        assertThat(r.allowedCidrs()).containsExactly("10.0.0.0/8");
        assertThat(r.version()).isEqualTo(1);
        assertThat(f.auth(t, "GET", "/x", "", "192.0.2.1").isAllowed()).isFalse();
    }

    @Test
    void updateWhenRevokedThenConflict() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        tokens.revoke(Actor.user("alice"), t.record().id(), "done");
        assertThatThrownBy(() -> tokens.update(Actor.user("alice"), t.record().id(), TokenChanges.none().withName("x")))
                .isInstanceOf(ConflictException.class);
    }

    @Test
    void revokeWhenDoneThenRecordsWhoAndWhyAndIsIdempotent() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        TokenRecord r = tokens.revoke(Actor.user("admin"), t.record().id(), "offboarding");
        assertThat(r.revocation()).hasValueSatisfying(v -> {
            assertThat(v.by()).isEqualTo("admin");
            assertThat(v.reason()).isEqualTo("offboarding");
        });
        tokens.revoke(Actor.user("admin"), t.record().id(), "again");
        assertThat(f.audit.ofType(AuditEventType.TOKEN_REVOKED)).hasSize(1);
    }

    @Test
    void revokeAllOfWhenManagerThenEveryActiveTokenOfOwnerRevoked() {
        for (int i = 0; i < 5; i++) {
            f.create("alice", AccessLevel.READ);
        }
        IssuedToken bobs = f.create("bob", AccessLevel.READ);
        assertThatThrownBy(() -> tokens.revokeAllOf(Actor.user("bob"), "alice", "")).isInstanceOf(PermissionDeniedException.class);
        assertThat(tokens.revokeAllOf(Actor.user("admin"), "alice", "offboarded")).isEqualTo(5);
        assertThat(f.store.countActive("alice", f.clock.instant())).isZero();
        assertThat(f.auth(bobs, "GET", "/x").isAllowed()).isTrue();
    }

    @Test
    void revokeMatchingWhenFilteredThenOnlyMatchesRevoked() {
        tokens.create(Actor.user("alice"), NewToken.builder("deploy-1", AccessLevel.READ).build());
        tokens.create(Actor.user("alice"), NewToken.builder("deploy-2", AccessLevel.READ).build());
        tokens.create(Actor.user("alice"), NewToken.builder("laptop", AccessLevel.READ).build());
        TokenQuery filter = TokenQuery.builder(f.clock.instant()).nameContains("DEPLOY").build();
        assertThat(tokens.revokeMatching(Actor.user("admin"), filter, "rotation")).isEqualTo(2);
        assertThat(tokens.query(Actor.user("admin"), TokenQuery.builder(f.clock.instant()).state(TokenState.ACTIVE).build())
                .items()).extracting(TokenRecord::name).containsExactly("laptop");
    }

    @Test
    void queryWhenNotManagerThenDenied() {
        assertThatThrownBy(() -> tokens.query(Actor.user("alice"), TokenQuery.builder(f.clock.instant()).build()))
                .isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void listOwnWhenSeveralUsersThenOnlyOwn() {
        f.create("alice", AccessLevel.READ);
        f.create("bob", AccessLevel.READ);
        assertThat(tokens.listOwn(Actor.user("alice"), 0, 10).items()).extracting(TokenRecord::owner).containsOnly("alice");
    }

    @Test
    void purgeWhenManagerThenOnlyOldRevokedAndExpiredRemoved() {
        IssuedToken revoked = f.create("alice", AccessLevel.READ);
        IssuedToken active = f.create("alice", AccessLevel.READ);
        tokens.revoke(Actor.user("alice"), revoked.record().id(), "");
        f.clock.advance(Duration.ofDays(1));
        assertThat(tokens.purge(Actor.user("admin"), f.clock.instant())).isEqualTo(1);
        assertThat(f.store.findById(active.record().id())).isPresent();
        assertThat(f.store.findById(revoked.record().id())).isEmpty();
    }

    @Test
    void capabilitiesWhenAskedThenReflectGroups() {
        assertThat(tokens.capabilities(Actor.user("bob")))
                .isEqualTo(new Capabilities(true, true, Optional.of(AccessLevel.READ), false, false));
        assertThat(tokens.capabilities(Actor.user("admin")).manageTokens()).isTrue();
        assertThat(tokens.capabilities(Actor.user("nobody"))).isEqualTo(Capabilities.none());
    }

    @Test
    void policyUpdateWhenNotAdministratorThenDeniedAndAudited() {
        assertThatThrownBy(() -> f.latchkey.policy().update(Actor.user("alice"), Map.of("maxTokensPerUser", "1")))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(f.audit.ofType(AuditEventType.POLICY_CHANGE_DENIED)).hasSize(1);
        f.latchkey.policy().update(Actor.user("admin"), Map.of("maxTokensPerUser", "1"));
        assertThat(f.latchkey.policy().current().maxTokensPerUser().getAsInt()).isEqualTo(1);
        assertThat(f.audit.ofType(AuditEventType.POLICY_CHANGED)).singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("maxTokensPerUser", "1"));
    }

    @Test
    void policyUpdateWhenValueInvalidThenErrorNamesSettingAndNothingSaved() {
        long before = f.store.loadPolicy().orElseThrow().version();
        assertThatThrownBy(() -> f.latchkey.policy().update(Actor.user("admin"), Map.of("maxLifetime", "forever")))
                .isInstanceOf(ValidationException.class).hasMessageStartingWith("maxLifetime");
        assertThatThrownBy(() -> f.latchkey.policy().update(Actor.user("admin"), Map.of("maxTokensPerUsr", "3")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("unknown policy setting");
        assertThat(f.store.loadPolicy().orElseThrow().version()).isEqualTo(before);
    }

    @Test
    void expiryWhenCreatedThenStoredAtMillisecondPrecision() {
        f.clock.advance(Duration.ofNanos(1));
        IssuedToken t = tokens.create(Actor.user("alice"), NewToken.builder("p", AccessLevel.READ)
                .expiresAt(Instant.parse("2026-02-01T00:00:00.123456789Z")).build());
        assertThat(t.record().expiresAt()).contains(Instant.parse("2026-02-01T00:00:00.123Z"));
        assertThat(t.record().scope().resources()).isEqualTo(Set.of());
    }

    // ------------------------------------------------------------------ issue 10 §4: updates and rotations
    // are creations in disguise; §5: limits hold under concurrency

    private IssuedToken managerSetToken() {
        return tokens.create(Actor.user("admin"), NewToken.builder("locked-down", AccessLevel.READ).owner("alice")
                .allowedCidrs(List.of("10.0.0.0/8")).resources(Set.of("P/r")).build());
    }

    private void onlyManagersMayCreate() {
        f.latchkey.policy().update(Actor.user("admin"), Map.of("createTokens", "admins"));
    }

    @Test
    void updateWhenOwnerWhoMayNotCreateRemovesManagerSetCidrsAndResourcesThenDeniedAndTokenUnchanged() {
        IssuedToken t = managerSetToken();
        onlyManagersMayCreate();
        String id = t.record().id();
        Actor alice = Actor.user("alice");

        assertThatThrownBy(() -> tokens.update(alice, id, TokenChanges.none().withAllowedCidrs(List.of())))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("allowedCidrs")
                .hasMessageContaining("admin");
        assertThatThrownBy(() -> tokens.update(alice, id, TokenChanges.none().withAllowedCidrs(List.of("0.0.0.0/0"))))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("allowedCidrs");
        assertThatThrownBy(() -> tokens.update(alice, id,
                TokenChanges.none().withAllowedCidrs(List.of("10.0.0.0/8", "192.0.2.0/24"))))
                .isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(() -> tokens.update(alice, id, TokenChanges.none().withResources(Set.of())))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("resources");
        assertThatThrownBy(() -> tokens.update(alice, id, TokenChanges.none().withResources(Set.of("P/r", "Q/s"))))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("resources");
        assertThatThrownBy(() -> tokens.update(alice, id, TokenChanges.none().withLevel(AccessLevel.WRITE)))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("level");

        TokenRecord unchanged = tokens.get(alice, id);
        assertThat(unchanged.allowedCidrs()).containsExactly("10.0.0.0/8");
        assertThat(unchanged.scope().resources()).containsExactly("P/r");
        assertThat(unchanged.scope().level()).isEqualTo(AccessLevel.READ);
        assertThat(unchanged.version()).isZero();
        assertThat(f.auth(t, "GET", "/x", "", "192.0.2.1").isAllowed()).isFalse();
        assertThat(f.audit.ofType(AuditEventType.TOKEN_MANAGE_DENIED)).hasSize(6)
                .allSatisfy(e -> assertThat(e.actor()).isEqualTo("alice"));
    }

    @Test
    void updateWhenOwnerNarrowsManagerSetRestrictionsThenAppliedAndAuditedOldToNew() {
        IssuedToken t = managerSetToken();
        onlyManagersMayCreate();

        TokenRecord r = tokens.update(Actor.user("alice", "10.9.9.9"), t.record().id(),
                TokenChanges.none().withAllowedCidrs(List.of("10.1.0.0/16")).withName("narrowed"));

        assertThat(r.allowedCidrs()).containsExactly("10.1.0.0/16");
        AuditEvent e = f.audit.ofType(AuditEventType.TOKEN_UPDATED).get(0);
        assertThat(e.actor()).isEqualTo("alice");
        assertThat(e.tokenOwner()).contains("alice");
        assertThat(e.details()).containsEntry("allowedCidrs", "10.0.0.0/8 -> 10.1.0.0/16")
                .containsEntry("name", "locked-down -> narrowed").containsEntry("createdBy", "admin")
                .doesNotContainKey("resources");
    }

    @Test
    void updateWhenOwnerWhoMayCreateWidensManagerSetCidrsThenDenied() {
        IssuedToken t = managerSetToken(); // alice may create tokens, but these restrictions are the manager's
        assertThatThrownBy(() -> tokens.update(Actor.user("alice"), t.record().id(),
                TokenChanges.none().withAllowedCidrs(List.of())))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("only narrow");
        TokenRecord byManager = tokens.update(Actor.user("admin"), t.record().id(),
                TokenChanges.none().withAllowedCidrs(List.of()).withResources(Set.of()));
        assertThat(byManager.allowedCidrs()).isEmpty();
        assertThat(byManager.scope().resources()).isEmpty();
    }

    @Test
    void updateWhenOwnerLostCreatePermissionAndWidensOwnTokenThenDenied() {
        IssuedToken t = tokens.create(Actor.user("alice"), NewToken.builder("mine", AccessLevel.READ)
                .allowedCidrs(List.of("10.0.0.0/8")).build());
        assertThat(tokens.update(Actor.user("alice"), t.record().id(),
                TokenChanges.none().withAllowedCidrs(List.of("10.0.0.0/8", "192.0.2.0/24"))).allowedCidrs()).hasSize(2);
        onlyManagersMayCreate();
        assertThatThrownBy(() -> tokens.update(Actor.user("alice"), t.record().id(),
                TokenChanges.none().withAllowedCidrs(List.of())))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("may create tokens");
        assertThat(tokens.update(Actor.user("alice"), t.record().id(),
                TokenChanges.none().withAllowedCidrs(List.of("192.0.2.0/25"))).allowedCidrs()).containsExactly("192.0.2.0/25");
    }

    @Test
    void updateWhenNameHoldsATokenThenRefusedAndTheTokenReachesNoAuditEvent() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        String secret = f.create("dave", AccessLevel.READ).secret().reveal();
        assertThatThrownBy(() -> tokens.update(Actor.user("alice"), t.record().id(),
                TokenChanges.none().withName("see " + secret)))
                .isInstanceOf(ValidationException.class).hasMessageStartingWith("name:").hasMessageNotContaining(secret);
        assertThat(tokens.get(Actor.user("alice"), t.record().id()).name()).isEqualTo("t-alice");
        assertThat(f.audit.ofType(AuditEventType.TOKEN_UPDATED)).isEmpty();
        assertThat(f.audit.events).allSatisfy(e -> assertThat(e.toString()).doesNotContain(secret));
    }

    @Test
    void rotateWhenOwnerMayNotCreateTokensThenDeniedAndOldTokenKeepsWorking() {
        IssuedToken t = managerSetToken();
        onlyManagersMayCreate();
        assertThatThrownBy(() -> tokens.rotate(Actor.user("alice"), t.record().id()))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("may create tokens");
        assertThat(tokens.get(Actor.user("alice"), t.record().id()).state(f.clock.instant())).isEqualTo(TokenState.ACTIVE);
        assertThat(f.store.countActive("alice", f.clock.instant())).isEqualTo(1);
        assertThat(f.audit.ofType(AuditEventType.TOKEN_MANAGE_DENIED)).singleElement()
                .satisfies(e -> assertThat(e.tokenId()).contains(t.record().id()));
    }

    @Test
    void rotateWhenOwnerRotatesManagerSetTokenThenSuccessorKeepsRestrictionsAndCreatorSoTheyStayNarrowOnly() {
        IssuedToken t = managerSetToken();
        IssuedToken fresh = tokens.rotate(Actor.user("alice"), t.record().id());
        assertThat(fresh.record().createdBy()).isEqualTo("admin");
        assertThat(fresh.record().allowedCidrs()).containsExactly("10.0.0.0/8");
        assertThat(fresh.record().scope()).isEqualTo(t.record().scope());
        assertThat(f.audit.ofType(AuditEventType.TOKEN_ROTATED)).singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("rotatedBy", "alice"));
        // the laundering step of the reported attack: the rotated token is still the manager's, not alice's own
        assertThatThrownBy(() -> tokens.update(Actor.user("alice"), fresh.record().id(),
                TokenChanges.none().withAllowedCidrs(List.of()))).isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void rotateWhenTokenLevelIsNowAboveOwnersCeilingThenDenied() {
        IssuedToken t = f.create("alice", AccessLevel.WRITE);
        f.directory.setGroups("alice", Set.of("readers"));
        f.clock.advance(Duration.ofSeconds(3)); // past the directory cache
        assertThatThrownBy(() -> tokens.rotate(Actor.user("alice"), t.record().id()))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("WRITE").hasMessageContaining("READ");
        assertThatThrownBy(() -> tokens.rotate(Actor.user("admin"), t.record().id()))
                .isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void rotateWhenOwnerIsOverALoweredLimitThenConflictAndNothingChanges() {
        IssuedToken a = f.create("alice", AccessLevel.READ);
        f.create("alice", AccessLevel.READ);
        f.create("alice", AccessLevel.READ);
        f.latchkey.policy().update(Actor.user("admin"), Map.of("maxTokensPerUser", "2"));
        assertThatThrownBy(() -> tokens.rotate(Actor.user("alice"), a.record().id()))
                .isInstanceOf(ConflictException.class).hasMessageContaining("maxTokensPerUser");
        assertThat(f.auth(a, "GET", "/x").isAllowed()).isTrue();
    }

    /** What one racing call returned or threw. */
    private record Outcome<T>(T value, Throwable error) {
    }

    /** Runs {@code task} on {@code threads} threads released at once by a latch. */
    private static <T> List<Outcome<T>> race(int threads, java.util.concurrent.Callable<T> task) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<Outcome<T>>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return new Outcome<T>(task.call(), null);
                    } catch (RuntimeException e) {
                        return new Outcome<T>(null, e);
                    }
                }));
            }
            start.countDown();
            List<Outcome<T>> out = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Outcome<T>> fu : futures) {
                out.add(fu.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> List<T> succeeded(List<Outcome<T>> outcomes) {
        return outcomes.stream().filter(o -> o.error() == null).map(Outcome::value).toList();
    }

    private static List<Throwable> failures(List<? extends Outcome<?>> outcomes) {
        return outcomes.stream().map(Outcome::error).filter(java.util.Objects::nonNull).map(e -> (Throwable) e).toList();
    }

    @Test
    void createWhenFortyParallelCreatesRaceOverMaxTokensPerUserOfFiveThenExactlyFiveAreActive() throws Exception {
        f.latchkey.policy().update(Actor.user("admin"), Map.of("maxTokensPerUser", "5"));
        var futures = race(40, () -> f.create("alice", AccessLevel.READ));
        assertThat(succeeded(futures)).hasSize(5);
        assertThat(failures(futures)).hasSize(35).allSatisfy(e -> assertThat(e).isInstanceOf(ConflictException.class)
                .hasMessageContaining("maxTokensPerUser"));
        assertThat(f.store.countActive("alice", f.clock.instant())).isEqualTo(5);
        assertThat(f.audit.ofType(AuditEventType.TOKEN_CREATED)).hasSize(5);
    }

    @Test
    void rotateWhenTenParallelRotationsOfOneTokenThenExactlyOneWorkingSuccessor() throws Exception {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        var futures = race(10, () -> tokens.rotate(Actor.user("alice"), t.record().id()));
        assertThat(succeeded(futures)).hasSize(1);
        assertThat(failures(futures)).hasSize(9).allSatisfy(e -> assertThat(e).isInstanceOf(ConflictException.class));
        IssuedToken winner = succeeded(futures).get(0);
        assertThat(f.auth(winner, "GET", "/x").isAllowed()).isTrue();
        assertThat(reason(f.auth(t, "GET", "/x"))).isEqualTo(RefusalReason.REVOKED);
        assertThat(f.store.query(TokenQuery.builder(f.clock.instant()).owner("alice").state(TokenState.ACTIVE).build())
                .items()).extracting(TokenRecord::id).containsExactly(winner.record().id());
        assertThat(f.audit.ofType(AuditEventType.TOKEN_ROTATED)).hasSize(1);
    }

    @Test
    void createWhenTenParallelCreatesOfServiceDupBotThenExactlyOne() throws Exception {
        var futures = race(10, () -> tokens.create(Actor.user("admin"),
                NewToken.builder("dup-bot", AccessLevel.READ).service("P/r").build()));
        assertThat(succeeded(futures)).hasSize(1);
        assertThat(failures(futures)).hasSize(9).allSatisfy(e -> assertThat(e).isInstanceOf(ConflictException.class)
                .hasMessageContaining("dup-bot"));
        assertThat(f.store.countActive("service:dup-bot", f.clock.instant())).isEqualTo(1);
    }
}
