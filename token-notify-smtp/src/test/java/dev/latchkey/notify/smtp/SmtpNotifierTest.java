package dev.latchkey.notify.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.latchkey.core.Actor;
import dev.latchkey.core.ExpiryNotices;
import dev.latchkey.core.memory.InMemoryNoticeLedger;
import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.Policy;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.DirectoryUser;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real SMTP over loopback to an embedded GreenMail server: what owners receive, and that no secret is in it. */
class SmtpNotifierTest {
    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private final InMemoryUserDirectory directory = new InMemoryUserDirectory()
            .put(new DirectoryUser("alice", "Alice", "alice@example.test", true, Set.of("users")))
            .put(new DirectoryUser("admin", "Admin", "admin@example.test", true, Set.of("admins")))
            .add("nomail", "users");
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private Latchkey latchkey;
    private SmtpNotifier notifier;

    @BeforeEach
    void start() {
        notifier = SmtpNotifier.builder(directory).server("127.0.0.1", MAIL.getSmtp().getPort())
                .from("latchkey@example.test").timeout(Duration.ofSeconds(5)).build();
        latchkey = Latchkey.builder().store(store).directory(directory).notifier(notifier)
                .initialPolicy(Policy.defaults().with(Map.of("useTokens", "users,admins", "createTokens", "users,admins",
                        "manageTokens", "admins", "levelGrants", "users=WRITE,admins=ADMIN")))
                .build();
    }

    @AfterEach
    void stop() {
        latchkey.close();
    }

    private IssuedToken token(String owner, Duration lifetime) {
        return latchkey.tokens().create(Actor.user(owner), NewToken.builder("ci", AccessLevel.READ).lifetime(lifetime).build());
    }

    @Test
    void reportLeakedWhenOwnerHasAddressThenOneMailNamingThePlaceWithoutTheSecret() throws Exception {
        IssuedToken t = token("alice", Duration.ofDays(90));
        latchkey.tokens().reportLeaked("github", t.secret().reveal(), "https://github.com/o/r/blob/x/.env");
        assertThat(MAIL.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage[] got = MAIL.getReceivedMessages();
        assertThat(got).hasSize(1);
        assertThat(got[0].getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
                .containsExactly("alice@example.test");
        assertThat(got[0].getSubject()).contains("found in public");
        String raw = GreenMailUtil.getWholeMessage(got[0]);
        assertThat(raw).contains("https://github.com/o/r/blob/x/.env").contains(t.record().id())
                .doesNotContain(t.secret().reveal());
    }

    @Test
    void revokeWhenPlaceHoldsHeaderInjectionThenNoExtraRecipientOrHeader() throws Exception {
        IssuedToken t = token("alice", Duration.ofDays(90));
        latchkey.tokens().revokeFound(Actor.user("admin"), t.secret().reveal(),
                "pastebin\r\nBcc: evil@attacker.test\r\nX-Evil: 1");
        assertThat(MAIL.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage m = MAIL.getReceivedMessages()[0];
        assertThat(MAIL.getReceivedMessages()).hasSize(1);
        assertThat(m.getAllRecipients()).extracting(Object::toString).containsExactly("alice@example.test");
        assertThat(m.getHeader("X-Evil")).isNull();
    }

    @Test
    void expirySweepWhenTokenExpiresIn59DaysThenOneMailEvenWhenSweptTwice() throws Exception {
        IssuedToken t = token("alice", Duration.ofDays(59));
        InMemoryNoticeLedger ledger = new InMemoryNoticeLedger();
        ExpiryNotices sweep = ExpiryNotices.builder(store).ledger(ledger).notifier(notifier).clock(Clock.systemUTC()).build();
        assertThat(sweep.runOnce() + sweep.runOnce()).isEqualTo(1);
        assertThat(MAIL.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage m = MAIL.getReceivedMessages()[0];
        assertThat(m.getSubject()).contains("expires soon");
        assertThat(GreenMailUtil.getWholeMessage(m)).contains(t.record().id()).doesNotContain(t.secret().reveal());
    }

    @Test
    void sendWhenOwnerHasNoAddressThenSkippedAndTheChangeStands() throws Exception {
        IssuedToken t = token("nomail", Duration.ofDays(90));
        latchkey.tokens().reportLeaked("gitlab", t.secret().reveal(), "gitlab");
        assertThat(MAIL.waitForIncomingEmail(500, 1)).isFalse();
        assertThat(latchkey.tokens().identify(Actor.user("admin"), t.secret().reveal()).orElseThrow().revocation()).isPresent();
    }

    @Test
    void sendWhenServerUnreachableThenRevocationStillHappens() {
        SmtpNotifier dead = SmtpNotifier.builder(directory).server("127.0.0.1", 1).from("l@example.test")
                .timeout(Duration.ofSeconds(1)).build();
        try (Latchkey lk = Latchkey.builder().store(new InMemoryTokenStore()).directory(directory).notifier(dead)
                .initialPolicy(Policy.defaults().with(Map.of("useTokens", "users", "createTokens", "users",
                        "levelGrants", "users=WRITE"))).build()) {
            IssuedToken t = lk.tokens().create(Actor.user("alice"), NewToken.builder("x", AccessLevel.READ).build());
            assertThat(lk.tokens().reportLeaked("github", t.secret().reveal(), "u")).hasToString("REVOKED");
        }
    }

    @Test
    void builderWhenMissingOrBadSettingsThenRefusedWithAdvice() {
        assertThatThrownBy(() -> SmtpNotifier.builder(directory).from("a@b.test").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("server(");
        assertThatThrownBy(() -> SmtpNotifier.builder(directory).from("not an address"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from");
        assertThatThrownBy(() -> SmtpNotifier.builder(directory).server("h", 0)).isInstanceOf(IllegalArgumentException.class);
        // the set-once rule every Latchkey builder shares: the second call fails, naming what the first one set
        assertThatThrownBy(() -> SmtpNotifier.builder(directory).server("mail.example.test", 25).server("other", 25))
                .isInstanceOf(IllegalStateException.class).hasMessage("server was already set to mail.example.test:25");
        assertThatThrownBy(() -> SmtpNotifier.builder(directory).productName("Acme").productName("Other"))
                .isInstanceOf(IllegalStateException.class).hasMessage("productName was already set to Acme");
    }
}
