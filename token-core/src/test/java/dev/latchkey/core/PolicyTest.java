package dev.latchkey.core;

import dev.latchkey.core.internal.format.Digester;
import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.AccessLevel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyTest {

    @Test
    void settingsWhenRoundTrippedThenEqual() {
        Policy p = Fixture.policy().with(Map.of("globalAllowedCidrs", "10.0.0.0/8, 2001:db8::/32",
                "maxTokensPerUser", "", "defaultLifetime", "P7D"));
        assertThat(Policy.fromSettings(p.toSettings())).isEqualTo(p);
        assertThat(p.maxLevelFor(Set.of("readers", "developers"))).contains(AccessLevel.WRITE);
        assertThat(p.maxLevelFor(Set.of("contractors"))).isEmpty();
    }

    @Test
    void withWhenBadValuesThenErrorNamesTheSetting() {
        Map<String, String> bad = Map.of(
                "defaultLifetime", "-P1D",
                "maxLifetime", "P",
                "expiryRequired", "yes",
                "maxTokensPerUser", "0",
                "globalAllowedCidrs", "10.0.0.0/8,nonsense",
                "useTokens", "a,,b",
                "levelGrants", "developers=SUPER");
        bad.forEach((k, v) -> assertThatThrownBy(() -> Policy.defaults().with(Map.of(k, v))).as(k)
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).field()).isEqualTo(k.equals("globalAllowedCidrs")
                        ? "globalAllowedCidrs" : k)));
    }

    @Test
    void withWhenDefaultLongerThanMaximumThenRejectedNotClamped() {
        assertThatThrownBy(() -> Policy.defaults().with(Map.of("defaultLifetime", "P400D")))
                .hasMessageContaining("longer than the maximum");
    }

    @Test
    void groupRuleWhenParsedThenEveryoneNobodyOrGroups() {
        assertThat(GroupRule.parse("x", "*").admits(List.of())).isTrue();
        assertThat(GroupRule.parse("x", "").admits(List.of("a"))).isFalse();
        assertThat(GroupRule.parse("x", "a, b").admits(List.of("b"))).isTrue();
        assertThat(GroupRule.parse("x", "a, b").admits(List.of("c"))).isFalse();
    }

    @Test
    void builderWhenMisconfiguredThenAdvice() {
        assertThatThrownBy(() -> Latchkey.builder().directory(new InMemoryUserDirectory()).build())
                .hasMessageContaining("no store");
        assertThatThrownBy(() -> Latchkey.builder().store(new InMemoryTokenStore()).store(new InMemoryTokenStore()))
                .hasMessageContaining("already set");
        assertThatThrownBy(() -> Latchkey.builder().store(new InMemoryTokenStore()).directory(new InMemoryUserDirectory())
                .changeBroadcaster(new ChangeBroadcaster() {
                    public void tokenChanged(String digest) { }
                    public void policyChanged() { }
                }).build()).hasMessageContaining("cluster");
        assertThatThrownBy(() -> Latchkey.builder().pepper("k1", new byte[8])).hasMessageContaining("32");
        assertThatThrownBy(() -> new ClusterOptions(java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(2),
                java.time.Duration.ofHours(1))).hasMessageContaining("half");
    }

    @Test
    void pepperWhenSetThenDigestKeyedAndAlgorithmRecorded() {
        byte[] pepper = new byte[32];
        new java.security.SecureRandom().nextBytes(pepper);
        try (Latchkey lk = Latchkey.builder().store(new InMemoryTokenStore()).auditSink(new RecordingAuditSink())
                .directory(new InMemoryUserDirectory().add("alice")).pepper("k1", pepper).build()) {
            IssuedToken t = lk.tokens().create(Actor.user("alice"), NewToken.builder("p", AccessLevel.READ).build());
            assertThat(t.record().digestAlgorithm()).isEqualTo("hmac-sha256:k1");
            assertThat(t.record().digest()).isNotEqualTo(Digester.sha256().digest(t.secret().reveal()));
            assertThat(lk.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                    RequestFacts.of("GET", "/", "1.2.3.4")).isAllowed()).isTrue();
        }
    }
}
