package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeakedTokensTest {
    private final Fixture f = new Fixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void identifyWhenManagerThenRecordWithoutSecretAndAudited() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        var r = f.latchkey.tokens().identify(Actor.user("admin"), t.secret().reveal());
        assertThat(r).hasValueSatisfying(rec -> assertThat(rec.id()).isEqualTo(t.record().id()));
        assertThat(r.get().toString()).doesNotContain(t.secret().reveal());
        AuditEvent e = f.audit.ofType(AuditEventType.TOKEN_IDENTIFIED).get(0);
        assertThat(e.tokenId()).contains(t.record().id());
        assertThat(e.toString()).doesNotContain(t.secret().reveal());
    }

    @Test
    void identifyWhenUnknownOrLookAlikeThenEmpty() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        String s = t.secret().reveal();
        String flipped = s.substring(0, 10) + (s.charAt(10) == 'a' ? 'b' : 'a') + s.substring(11);
        assertThat(f.latchkey.tokens().identify(Actor.user("admin"), flipped)).isEmpty();
        assertThat(f.latchkey.tokens().identify(Actor.user("admin"), "not a token")).isEmpty();
    }

    @Test
    void identifyWhenNotManagerThenRefusedAndAudited() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThatThrownBy(() -> f.latchkey.tokens().identify(Actor.user("alice"), t.secret().reveal()))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("token manager");
        assertThat(f.audit.ofType(AuditEventType.TOKEN_MANAGE_DENIED)).hasSize(1);
        assertThat(f.audit.ofType(AuditEventType.TOKEN_IDENTIFIED)).isEmpty();
    }

    @Test
    void revokeFoundWhenManagerThenRevokedAsLeakedWithPlaceAudited() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        var r = f.latchkey.tokens().revokeFound(Actor.user("admin"), t.secret().reveal(), "https://paste.example/x line 3");
        assertThat(r.revocation()).hasValueSatisfying(v -> assertThat(v.reason()).isEqualTo("leaked"));
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isFalse();
        AuditEvent e = f.audit.ofType(AuditEventType.TOKEN_REVOKED).get(0);
        assertThat(e.details()).containsEntry("reason", "leaked").containsEntry("foundAt", "https://paste.example/x line 3");
        assertThat(e.actor()).isEqualTo("admin");
    }

    @Test
    void revokeFoundWhenPlaceQuotesTheTokenThenAuditMasksIt() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        f.latchkey.tokens().revokeFound(Actor.user("admin"), t.secret().reveal(), "chat: " + t.secret().reveal());
        assertThat(f.audit.events.toString()).doesNotContain(t.secret().reveal());
    }

    @Test
    void revokeFoundWhenNotManagerThenRefusedAndNothingRevoked() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThatThrownBy(() -> f.latchkey.tokens().revokeFound(Actor.user("bob"), t.secret().reveal(), "ci log"))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
    }

    @Test
    void revokeFoundWhenByTokenAndPolicyForbidsThenRefused() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        Actor byToken = new Actor("admin", true, java.util.Optional.empty());
        assertThatThrownBy(() -> f.latchkey.tokens().revokeFound(byToken, t.secret().reveal(), "ci log"))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
    }

    @Test
    void revokeFoundWhenUnknownThenNotFoundWithoutTheValueInTheMessage() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        f.latchkey.tokens().revoke(Actor.user("alice"), t.record().id(), "x");
        String other = f.create("bob", AccessLevel.READ).secret().reveal();
        String flipped = other.substring(0, 10) + (other.charAt(10) == 'a' ? 'b' : 'a') + other.substring(11);
        assertThatThrownBy(() -> f.latchkey.tokens().revokeFound(Actor.user("admin"), flipped, "log"))
                .isInstanceOf(TokenNotFoundException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(flipped));
    }

    @Test
    void revokeFoundWhenPlaceEmptyThenValidationNamesField() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThatThrownBy(() -> f.latchkey.tokens().revokeFound(Actor.user("admin"), t.secret().reveal(), " "))
                .isInstanceOf(ValidationException.class).hasMessageContaining("foundAt");
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
    }

    @Test
    void reportLeakedWhenRepeatedThenRevokedOnceAndIdempotent() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        TokenService s = f.latchkey.tokens();
        assertThat(s.reportLeaked("github", t.secret().reveal(), "https://github.com/o/r/blob/x")).isEqualTo(LeakOutcome.REVOKED);
        assertThat(s.reportLeaked("github", t.secret().reveal(), "https://github.com/o/r/blob/x")).isEqualTo(LeakOutcome.ALREADY_INACTIVE);
        assertThat(f.audit.ofType(AuditEventType.TOKEN_REVOKED)).hasSize(1);
        assertThat(f.audit.ofType(AuditEventType.TOKEN_REVOKED).get(0).details()).containsEntry("reporter", "github");
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isFalse();
    }

    @Test
    void reportLeakedWhenLookAlikeOrUnknownThenNothingRevoked() {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        String s = t.secret().reveal();
        String badChecksum = s.substring(0, s.length() - 1) + (s.endsWith("a") ? "b" : "a");
        assertThat(f.latchkey.tokens().reportLeaked("gitlab", badChecksum, "x")).isEqualTo(LeakOutcome.NOT_A_TOKEN);
        assertThat(f.latchkey.tokens().reportLeaked("gitlab", "ghp_abc", "x")).isEqualTo(LeakOutcome.NOT_A_TOKEN);
        assertThat(f.auth(t, "GET", "/x").isAllowed()).isTrue();
    }

    @Test
    void reportLeakedWhenManyThreadsReportOneTokenThenExactlyOneRevokes() throws Exception {
        IssuedToken t = f.create("alice", AccessLevel.READ);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<LeakOutcome>> fs = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                fs.add(pool.submit(() -> f.latchkey.tokens().reportLeaked("github", t.secret().reveal(), "u")));
            }
            int revoked = 0;
            for (Future<LeakOutcome> fu : fs) {
                revoked += fu.get() == LeakOutcome.REVOKED ? 1 : 0;
            }
            assertThat(revoked).isEqualTo(1);
            assertThat(f.audit.ofType(AuditEventType.TOKEN_REVOKED)).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
