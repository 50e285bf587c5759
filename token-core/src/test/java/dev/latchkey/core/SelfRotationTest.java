package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.classify.Requirement;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.Notice;
import dev.latchkey.spi.NoticeKind;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SelfRotationTest {
    private static final String IP = "10.1.2.3";
    private final List<Notice> notices = Collections.synchronizedList(new ArrayList<>());
    // every request asks READ on P/r, which the service tokens here are bound to
    private final Fixture f = Fixture.with(b -> b.notifier(notices::add)
            .classifier(r -> new Requirement(AccessLevel.READ, Optional.empty(), Optional.of("P/r"))));

    @AfterEach
    void close() {
        f.close();
    }

    private void enable(String kinds) {
        f.latchkey.policy().update(Actor.user("admin"), Map.of("selfRotation", kinds));
    }

    private IssuedToken rotateSelf(IssuedToken t) {
        return f.latchkey.tokens().rotateSelf(Credential.bearer(t.secret().reveal()), IP);
    }

    private IssuedToken service() {
        return f.latchkey.tokens().create(Actor.user("admin"),
                NewToken.builder("ci-bot", AccessLevel.READ).service("P/r").build());
    }

    private boolean works(IssuedToken t) {
        return f.auth(t, "GET", "/x").isAllowed();
    }

    private TokenRecord stored(IssuedToken t) {
        return f.store.findById(t.record().id()).orElseThrow();
    }

    @Test
    void policyWhenDefaultThenSelfRotationIsOffAndTheSettingRoundTrips() {
        assertThat(Policy.defaults().selfRotation()).isEmpty();
        assertThat(Policy.defaults().toSettings()).containsEntry("selfRotation", "");
        Policy p = Policy.defaults().with(Map.of("selfRotation", "service, personal"));
        assertThat(p.selfRotation()).containsExactlyInAnyOrder(TokenKind.SERVICE, TokenKind.PERSONAL);
        assertThat(Policy.fromSettings(p.toSettings())).isEqualTo(p);
        assertThatThrownBy(() -> Policy.defaults().with(Map.of("selfRotation", "ALL")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("selfRotation");
    }

    @Test
    void rotateSelfWhenPolicyOffThenRefusedAndTokenUnchanged() {
        IssuedToken t = service();
        assertThatThrownBy(() -> rotateSelf(t)).isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("selfRotation");
        assertThat(works(t)).isTrue();
        assertThat(f.audit.ofType(AuditEventType.TOKEN_MANAGE_DENIED)).hasSize(1);
    }

    @Test
    void rotateSelfWhenOnlyServiceEnabledThenPersonalTokenRefused() {
        enable("SERVICE");
        IssuedToken personal = f.create("alice", AccessLevel.READ);
        assertThatThrownBy(() -> rotateSelf(personal)).isInstanceOf(PermissionDeniedException.class);
        assertThat(works(personal)).isTrue();
    }

    @Test
    void rotateSelfWhenEnabledThenNewSecretWorksOldStopsAtOnceAndRestrictionsKept() {
        enable("SERVICE");
        IssuedToken t = service();
        f.clock.advance(Duration.ofDays(10));
        IssuedToken next = rotateSelf(t);
        assertThat(next.secret().reveal()).isNotEqualTo(t.secret().reveal());
        assertThat(works(t)).isFalse();
        assertThat(works(next)).isTrue();
        TokenRecord r = next.record();
        assertThat(r.kind()).isEqualTo(TokenKind.SERVICE);
        assertThat(r.name()).isEqualTo("ci-bot");
        assertThat(r.scope()).isEqualTo(t.record().scope());
        assertThat(r.createdBy()).isEqualTo("admin");
        assertThat(Duration.between(r.createdAt(), r.expiresAt().orElseThrow()))
                .isEqualTo(Duration.between(t.record().createdAt(), t.record().expiresAt().orElseThrow()));
        AuditEvent e = f.audit.ofType(AuditEventType.TOKEN_ROTATED).get(0);
        assertThat(e.details()).containsEntry("newTokenId", r.id()).containsEntry("rotatedBy", "the token itself");
        assertThat(f.audit.events.toString()).doesNotContain(t.secret().reveal()).doesNotContain(next.secret().reveal());
        // and the successor may rotate itself in turn
        assertThat(works(rotateSelf(next))).isTrue();
    }

    @Test
    void rotateSelfWhenPersonalEnabledThenOwnerMustStillMayCreate() {
        enable("PERSONAL");
        IssuedToken t = f.create("alice", AccessLevel.WRITE);
        assertThat(works(rotateSelf(t))).isTrue();
        IssuedToken u = f.create("alice", AccessLevel.WRITE);
        f.latchkey.policy().update(Actor.user("admin"), Map.of("createTokens", "admins"));
        assertThatThrownBy(() -> rotateSelf(u)).isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("may create tokens");
        assertThat(works(u)).isTrue();
    }

    @Test
    void rotateSelfWhenRotatedAwaySecretIsPresentedAgainThenWholeFamilyRevokedAndOwnerTold() {
        enable("PERSONAL,SERVICE");
        IssuedToken first = f.create("alice", AccessLevel.READ);
        IssuedToken second = rotateSelf(first);
        IssuedToken third = rotateSelf(second);
        IssuedToken bystander = f.create("alice", AccessLevel.READ);
        assertThat(works(third)).isTrue();

        assertThatThrownBy(() -> rotateSelf(first)).isInstanceOf(TokenRefusedException.class)
                .satisfies(e -> assertThat(((TokenRefusedException) e).refusal().reason()).isEqualTo(RefusalReason.REVOKED));
        assertThat(works(third)).isFalse();
        assertThat(stored(third).revocation().orElseThrow().reason()).isEqualTo("leaked");
        assertThat(works(bystander)).as("not of the family").isTrue();

        List<AuditEvent> revoked = f.audit.ofType(AuditEventType.TOKEN_REVOKED);
        assertThat(revoked).hasSize(1);
        assertThat(revoked.get(0).tokenId()).contains(third.record().id());
        assertThat(revoked.get(0).details()).containsEntry("reason", "leaked")
                .containsEntry("reusedTokenId", first.record().id());
        assertThat(revoked.get(0).details().get("foundAt")).contains(first.record().id()).contains(IP);
        assertThat(notices).filteredOn(n -> n.kind() == NoticeKind.REVOKED_LEAKED)
                .singleElement().satisfies(n -> {
                    assertThat(n.owner()).isEqualTo("alice");
                    assertThat(n.tokenId()).isEqualTo(third.record().id());
                });
        // a second reuse finds nothing active any more
        assertThatThrownBy(() -> rotateSelf(second)).isInstanceOf(TokenRefusedException.class);
        assertThat(f.audit.ofType(AuditEventType.TOKEN_REVOKED)).hasSize(1);
    }

    @Test
    void rotateSelfWhenManagerRotatedTheTokenAndOldSecretReturnsThenFamilyRevoked() {
        enable("SERVICE");
        IssuedToken t = service();
        IssuedToken next = f.latchkey.tokens().rotate(Actor.user("admin"), t.record().id());
        assertThatThrownBy(() -> rotateSelf(t)).isInstanceOf(TokenRefusedException.class);
        assertThat(works(next)).isFalse();
    }

    @Test
    void rotateSelfWhenTokenUnknownOrPlainlyRevokedThenRefusedAndNothingElseHappens() {
        enable("PERSONAL");
        IssuedToken other = f.create("alice", AccessLevel.READ);
        String unknown = TokenFormat.defaults().generate(TokenKind.PERSONAL).reveal();
        assertThatThrownBy(() -> f.latchkey.tokens().rotateSelf(Credential.bearer(unknown), IP))
                .isInstanceOf(TokenRefusedException.class)
                .satisfies(e -> assertThat(((TokenRefusedException) e).refusal().reason()).isEqualTo(RefusalReason.UNKNOWN));
        IssuedToken revoked = f.create("alice", AccessLevel.READ);
        f.clock.advance(Duration.ofMinutes(5));
        f.latchkey.tokens().revoke(Actor.user("alice"), revoked.record().id(), "rotated to " + other.record().id());
        assertThatThrownBy(() -> rotateSelf(revoked)).isInstanceOf(TokenRefusedException.class);
        assertThat(works(other)).as("a typed reason is no family link").isTrue();
        assertThat(f.audit.ofType(AuditEventType.TOKEN_REVOKED)).hasSize(1);
        assertThat(notices).noneMatch(n -> n.kind() == NoticeKind.REVOKED_LEAKED);
    }

    @Test
    void rotatedAwaySecretWhenUsedOnAnOrdinaryRequestThenOnlyRefused() {
        enable("PERSONAL");
        IssuedToken t = f.create("alice", AccessLevel.READ);
        IssuedToken next = rotateSelf(t);
        assertThat(works(t)).isFalse();
        assertThat(works(next)).isTrue();
    }

    @Test
    void rotateSelfWhenAddressNotAllowedThenRefusedAndNotRotated() {
        enable("PERSONAL");
        IssuedToken t = f.latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ)
                .allowedCidrs(List.of("192.168.0.0/16")).build());
        assertThatThrownBy(() -> rotateSelf(t)).isInstanceOf(TokenRefusedException.class)
                .satisfies(e -> assertThat(((TokenRefusedException) e).refusal().reason())
                        .isEqualTo(RefusalReason.IP_NOT_ALLOWED));
        assertThat(stored(t).revocation()).isEmpty();
    }

    @Test
    void rotateSelfWhenCalledConcurrentlyWithOneSecretThenExactlyOneSucceeds() throws Exception {
        enable("SERVICE");
        for (int round = 0; round < 5; round++) {
            IssuedToken t = f.latchkey.tokens().create(Actor.user("admin"),
                    NewToken.builder("bot-" + round, AccessLevel.READ).service("P/r").build());
            int n = 12;
            String ip = "10.9.9." + round;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        // each round from its own address: the losers' refusals count as failed attempts
                        return f.latchkey.tokens().rotateSelf(Credential.bearer(t.secret().reveal()), ip);
                    } catch (ConflictException | TokenRefusedException e) {
                        return e;
                    }
                }));
            }
            go.countDown();
            List<IssuedToken> won = new ArrayList<>();
            boolean reuseSeen = false;
            for (Future<Object> r : results) {
                Object o = r.get();
                if (o instanceof IssuedToken it) {
                    won.add(it);
                } else if (o instanceof TokenRefusedException) {
                    reuseSeen = true; // arrived after the winner committed: a rotated-away secret came back
                }
            }
            pool.shutdownNow();
            assertThat(won).as(results.stream().map(r -> {
                try {
                    return String.valueOf(r.get());
                } catch (Exception e) {
                    return e.toString();
                }
            }).toList().toString()).hasSize(1);
            assertThat(f.store.countActive("service:bot-" + round, f.clock.instant())).isLessThanOrEqualTo(1);
            assertThat(works(t)).isFalse();
            assertThat(works(won.get(0))).isEqualTo(!reuseSeen);
        }
    }
}
