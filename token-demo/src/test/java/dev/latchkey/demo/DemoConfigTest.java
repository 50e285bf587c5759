package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.AccessLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoConfigTest {
    @TempDir
    Path tmp;

    @Test
    void loadOrCreateWhenAbsentThenWritesTheCommentedDefaultsTheIssueDescribes() throws Exception {
        DemoConfig c = DemoConfig.loadOrCreate(tmp);
        String text = Files.readString(tmp.resolve(DemoConfig.FILE_NAME));
        assertThat(text).contains("THIS IS A DEMO");
        assertThat(c.users().keySet()).containsExactlyInAnyOrder("admin", "alice", "bob", "carol", "dave");
        assertThat(c.users().get("dave").active()).isFalse();
        assertThat(c.users().get("alice").groups()).containsExactly("developers");
        assertThat(c.passwordAuthDisabledPaths()).containsExactly("/rest/api/*", "/scm/*");
        assertThat(c.trustedProxies()).isEmpty();
        assertThat(c.directoryCacheTtl()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.policy().maxLevelFor(Set.of("developers"))).contains(AccessLevel.WRITE);
        assertThat(c.policy().maxLevelFor(Set.of("readers"))).contains(AccessLevel.READ);
        assertThat(c.policy().useTokens().admits(Set.of("contractors"))).isFalse();
        assertThat(c.policy().manageTokens().admits(Set.of("admins"))).isTrue();
        assertThat(c.policy().administerPolicy().admits(Set.of("admins"))).isTrue();
        assertThat(c.users().get("alice").toString()).doesNotContain("password=alice");
        assertThat(c.failedAttemptLimit()).contains(new DemoConfig.AttemptLimit(20, Duration.ofMinutes(1)));
        assertThat(c.expiryNotices()).containsExactly(Duration.ofDays(60), Duration.ofDays(30), Duration.ofDays(7));
        assertThat(c.expiryNoticeInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(c.pushProtection()).isTrue();
        assertThat(c.policy().selfRotation()).containsExactly(dev.latchkey.spi.TokenKind.SERVICE);
    }

    @Test
    void loadWhenLimitIsOffAndNoticesEmptyThenBothAreOff() throws Exception {
        DemoConfig.loadOrCreate(tmp);
        Path file = tmp.resolve(DemoConfig.FILE_NAME);
        Files.writeString(file, Files.readString(file)
                .replace("latchkey.failedAttemptLimit=20/PT1M", "latchkey.failedAttemptLimit=off")
                .replace("latchkey.expiryNotices=P60D,P30D,P7D", "latchkey.expiryNotices=")
                .replace("host.pushProtection=true", "host.pushProtection=false"));
        DemoConfig c = DemoConfig.load(file);
        assertThat(c.failedAttemptLimit()).isEmpty();
        assertThat(c.expiryNotices()).isEmpty();
        assertThat(c.pushProtection()).isFalse();
    }

    @Test
    void loadWhenAValueIsBadThenTheMessageNamesTheKey() throws Exception {
        DemoConfig.loadOrCreate(tmp);
        Path file = tmp.resolve(DemoConfig.FILE_NAME);
        String original = Files.readString(file);
        for (List<String> c : List.of(
                List.of("user.bob.active=true", "user.bob.active=maybe", "user.bob.active"),
                List.of("policy.levelGrants=developers=WRITE", "policy.levelGrants=developers=SUPER", "policy.levelGrants"),
                List.of("latchkey.trustedProxies=\n", "latchkey.trustedProxies=proxy.example\n", "latchkey.trustedProxies"),
                List.of("latchkey.trustedProxies=\n", "latchkey.trustedProxies=10.1.2.3/8\n", "did you mean 10.0.0.0/8"),
                List.of("latchkey.clientIpHeader=X-Forwarded-For",
                        "latchkey.clientIpHeader=X-Client\\u000d\\u000aX-Evil: 1", "latchkey.clientIpHeader"),
                List.of("latchkey.directoryCacheTtl=PT2S", "latchkey.directoryCacheTtl=2s", "latchkey.directoryCacheTtl"),
                List.of("host.projectAdminGroups=admins", "host.projectAdminGroups=admins\nhost.typo=1", "host.typo"),
                List.of("policy.expiryRequired=true", "policy.expiryRequired=true\npolicy.expiry=1", "policy.expiry"),
                List.of("user.carol.password=carol", "user.carol.password=", "user.carol.password"),
                List.of("failedAttemptLimit=20/PT1M", "failedAttemptLimit=20", "latchkey.failedAttemptLimit"),
                List.of("failedAttemptLimit=20/PT1M", "failedAttemptLimit=0/PT1M", "latchkey.failedAttemptLimit"),
                List.of("failedAttemptLimit=20/PT1M", "failedAttemptLimit=many/PT1M", "latchkey.failedAttemptLimit"),
                List.of("failedAttemptLimit=20/PT1M", "failedAttemptLimit=20/P2D", "latchkey.failedAttemptLimit"),
                List.of("expiryNotices=P60D,P30D,P7D", "expiryNotices=P60D,60 days", "latchkey.expiryNotices"),
                List.of("expiryNotices=P60D,P30D,P7D", "expiryNotices=P7D,P7D", "latchkey.expiryNotices"),
                List.of("expiryNoticeInterval=PT1H", "expiryNoticeInterval=PT0S", "latchkey.expiryNoticeInterval"),
                List.of("host.pushProtection=true", "host.pushProtection=yes", "host.pushProtection"),
                List.of("policy.selfRotation=SERVICE", "policy.selfRotation=CI", "policy.selfRotation"))) {
            Files.writeString(file, original.replace(c.get(0), c.get(1)));
            assertThatThrownBy(() -> DemoConfig.load(file)).as(c.get(2))
                    .isInstanceOf(DemoConfig.DemoConfigException.class)
                    .hasMessageContaining(c.get(2));
        }
    }
}
