package dev.latchkey.core;

import dev.latchkey.core.internal.text.SafeText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.TokenRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What reaches the audit log, the store and log lines from caller text: Unicode line and format controls
 * escaped, bidirectional controls refused in names, token-shaped text never stored or recorded as is.
 */
class AuditIntegrityTest {
    private final Fixture f = new Fixture();

    @AfterEach
    void tearDown() {
        f.close();
    }

    /** A real token of this engine, made at run time; its body is what must never appear. */
    private String liveToken() {
        return f.create("bob", AccessLevel.READ).secret().reveal();
    }

    private static String body(String token) {
        return token.substring(token.indexOf('_') + 1);
    }

    @Test
    void printableWhenUnicodeLineBreaksAndBidiControlsThenEscaped() {
        String forged = "ok\u0085FORGED\u2028line\u2029para\u202Eevil\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069"
                + "\u200B\u200E\uFEFF\u009B\u0000\n\r\u007f";
        String out = SafeText.printable(forged);
        for (char c : forged.toCharArray()) {
            if (c < 0x20 || c > 0x7e) {
                assertThat(out).as("U+%04X", (int) c).doesNotContain(String.valueOf(c))
                        .contains(String.format("\\u%04x", (int) c));
            }
        }
        // ordinary text, accents and emoji pass unchanged
        assertThat(SafeText.printable("Jörg's key 🔑 — ok")).isEqualTo("Jörg's key 🔑 — ok");
        assertThat(SafeText.quote("a\u2028b")).isEqualTo("'a\\u2028b'");
        assertThat(SafeText.forAudit("x\u202Ey", f.latchkey.tokenFormat())).isEqualTo("x\\u202ey");
    }

    @Test
    void createWhenNameHasBidiOrFormatControlThenValidationErrorNamingName() {
        for (String bad : List.of("invoice\u202Etxt.exe", "a\u2066b\u2069", "line\u2028break", "para\u2029x", "nel\u0085x",
                "zero\u200Bwidth", "bom\uFEFF", "c1\u009bx")) {
            assertThatThrownBy(() -> f.latchkey.tokens().create(Actor.user("alice"),
                    NewToken.builder(bad, AccessLevel.READ).build()))
                    .as(SafeText.printable(bad)).isInstanceOf(ValidationException.class)
                    .hasMessageStartingWith("name").hasMessageContaining("U+")
                    .satisfies(e -> assertThat(((ValidationException) e).field()).isEqualTo("name"));
        }
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThatThrownBy(() -> f.latchkey.tokens().update(Actor.user("alice"), t.record().id(),
                TokenChanges.none().withName("x\u202Ey")))
                .isInstanceOf(ValidationException.class).hasMessageStartingWith("name");
    }

    @Test
    void createWhenNameHoldsATokenThenRefusedWithoutEchoingItAndNeverStored() {
        String token = liveToken();
        assertThatThrownBy(() -> f.latchkey.tokens().create(Actor.user("alice"),
                NewToken.builder("deploy " + token, AccessLevel.READ).build()))
                .isInstanceOf(ValidationException.class).hasMessageStartingWith("name")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(body(token)));
        IssuedToken t = f.create("alice", AccessLevel.READ);
        assertThatThrownBy(() -> f.latchkey.tokens().update(Actor.user("alice"), t.record().id(),
                TokenChanges.none().withName(token)))
                .isInstanceOf(ValidationException.class).hasMessageStartingWith("name");
        assertThat(f.audit.events.toString()).doesNotContain(body(token));
        // a name that merely starts like a prefix is fine
        assertThat(f.latchkey.tokens().create(Actor.user("alice"), NewToken.builder("lkp_migration", AccessLevel.READ)
                .build()).record().name()).isEqualTo("lkp_migration");
    }

    @Test
    void revokeWhenReasonHoldsATokenThenMaskedInRecordAndAudit() {
        String token = liveToken();
        IssuedToken t = f.create("alice", AccessLevel.READ);
        TokenRecord r = f.latchkey.tokens().revoke(Actor.user("alice"), t.record().id(),
                "leaked as " + token + "\u2028FORGED");
        String stored = r.revocation().orElseThrow().reason();
        assertThat(stored).doesNotContain(body(token)).contains("[redacted]").doesNotContain("\u2028");
        AuditEvent e = f.audit.ofType(AuditEventType.TOKEN_REVOKED).get(0);
        assertThat(e.details().get("reason")).doesNotContain(body(token)).contains("[redacted]");
        assertThat(f.latchkey.tokens().get(Actor.user("alice"), t.record().id()).revocation().orElseThrow().reason())
                .doesNotContain(body(token));
    }

    @Test
    void policyUpdateWhenValueHoldsATokenThenMaskedInAuditDetails() {
        String token = liveToken();
        // group names are free text, so a pasted token is a valid (if useless) group name
        f.latchkey.policy().update(Actor.user("admin"), Map.of("manageTokens", "admins," + token));
        AuditEvent e = f.audit.ofType(AuditEventType.POLICY_CHANGED).get(0);
        assertThat(e.details().get("manageTokens")).contains("[redacted]").doesNotContain(body(token));
        assertThat(f.audit.events.toString()).doesNotContain(body(token));
    }
}
