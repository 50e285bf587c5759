package dev.latchkey.bitbucket;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Actor;
import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.Policy;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.TokenKind;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Bitbucket classifier inside a real engine: resources, domains and the explicit system domain. */
class BitbucketEngineTest {

    /** An engine with alice (developers, up to WRITE) and admin (admins, up to ADMIN, token manager). */
    static final class Engine implements AutoCloseable {
        final Latchkey latchkey = Latchkey.builder()
                .store(new InMemoryTokenStore())
                .directory(new InMemoryUserDirectory().add("alice", "developers").add("admin", "admins"))
                .initialPolicy(Policy.defaults().with(Map.of(
                        "useTokens", "developers,admins",
                        "createTokens", "developers,admins",
                        "manageTokens", "admins",
                        "administerPolicy", "admins",
                        "levelGrants", "developers=WRITE,admins=ADMIN")))
                .classifier(new BitbucketRequestClassifier())
                .build();

        Decision auth(IssuedToken t, String method, String path) {
            return auth(t, method, path, "", "10.1.2.3");
        }

        Decision auth(IssuedToken t, String method, String path, String query, String ip) {
            return latchkey.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                    new RequestFacts(method, path, query, ip));
        }

        @Override
        public void close() {
            latchkey.close();
        }
    }

    static RefusalReason reason(Decision d) {
        return d instanceof Decision.Refused r ? r.reason() : null;
    }

    @Test
    void authenticateWhenServiceTokenThenActsAsServicePrincipalOnItsResourceOnly() {
        try (Engine bb = new Engine()) {
            IssuedToken t = bb.latchkey.tokens().create(Actor.user("admin"),
                    NewToken.builder("ci-bot", AccessLevel.WRITE).service("proj/repo").build());
            assertThat(t.record().kind()).isEqualTo(TokenKind.SERVICE);
            assertThat(t.secret().reveal()).startsWith("lks_");
            Decision d = bb.auth(t, "POST", "/scm/PROJ/repo.git/git-receive-pack");
            assertThat(((Decision.Allowed) d).principal().getName()).isEqualTo("service:ci-bot");
            assertThat(reason(bb.auth(t, "GET", "/scm/PROJ/other.git/info/refs", "service=git-upload-pack", "10.1.2.3")))
                    .isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
            assertThat(reason(bb.latchkey.authenticator().authenticate(Credential.basic("admin", t.secret().reveal()),
                    RequestFacts.of("GET", "/scm/PROJ/repo.git/info/refs", "10.1.2.3"))))
                    .isEqualTo(RefusalReason.USERNAME_MISMATCH);
            assertThat(bb.latchkey.authenticator().authenticate(Credential.basic("x-token-auth", t.secret().reveal()),
                    RequestFacts.of("GET", "/scm/PROJ/repo.git/info/refs", "10.1.2.3")).isAllowed()).isTrue();
        }
    }

    @Test
    void authenticateWhenTokenLimitedToRepositoryThenOtherRepositoryRefused() {
        try (Engine bb = new Engine()) {
            IssuedToken t = bb.latchkey.tokens().create(Actor.user("alice"),
                    NewToken.builder("one-repo", AccessLevel.READ).resources(Set.of("DEMO/demo-repo")).build());
            assertThat(bb.auth(t, "GET", "/rest/api/1.0/projects/DEMO/repos/demo-repo").isAllowed()).isTrue();
            assertThat(bb.auth(t, "POST", "/scm/demo/demo-repo.git/git-upload-pack").isAllowed()).isTrue();
            assertThat(reason(bb.auth(t, "GET", "/rest/api/1.0/projects/DEMO/repos/other")))
                    .isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
            assertThat(reason(bb.auth(t, "GET", "/rest/api/1.0/projects/DEMO")))
                    .isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
            assertThat(reason(bb.auth(t, "GET", "/rest/api/1.0/projects/DEMO/repos/demo-repo-2")))
                    .isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
        }
    }

    @Test
    void authenticateWhenUnlimitedAdminTokenDeletesRepositoryOrChangesPermissionsThenOnlyWithAdminLevel() {
        try (Engine bb = new Engine()) {
            IssuedToken write = bb.latchkey.tokens().create(Actor.user("admin"),
                    NewToken.builder("write", AccessLevel.WRITE).build());
            for (String[] r : new String[][] {{"DELETE", "/rest/api/latest/projects/P/repos/r"},
                    {"delete", "/rest/api/latest/projects/P/repos/r"},
                    {"PUT", "/rest/api/latest/projects/P/permissions/users"},
                    {"PUT", "/rest/api/1.0/projects/P/repos/r/permissions/users"},
                    {"POST", "/rest/branch-permissions/2.0/projects/P/repos/r/restrictions"},
                    {"PUT", "/rest/access-tokens/1.0/projects/P"},
                    {"POST", "/rest/api/latest/projects/P/repos/r/unknown-new-thing"},
                    {"PROPFIND", "/rest/api/latest/projects/P/repos/r/pull-requests"}}) {
                assertThat(reason(bb.auth(write, r[0], r[1]))).as(r[0] + " " + r[1])
                        .isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
            }
            assertThat(bb.auth(write, "POST", "/rest/api/latest/projects/P/repos/r/pull-requests").isAllowed()).isTrue();
        }
    }

    @Test
    void authenticateWhenSystemAdministrationThenOnlyAnExplicitSystemGrantReachesIt() {
        try (Engine bb = new Engine()) {
            IssuedToken admin = bb.latchkey.tokens().create(Actor.user("admin"),
                    NewToken.builder("admin", AccessLevel.ADMIN).build());
            for (String[] r : new String[][] {{"PUT", "/rest/api/1.0/admin/permissions/users"},
                    {"POST", "/rest/api/latest/admin/license"}, {"GET", "/rest/api/latest/admin/mail-server"},
                    {"POST", "/rest/api/latest/made-up"}, {"PUT", "/rest/access-tokens/1.0/users/admin"},
                    {"POST", "/rest/ssh/1.0/keys"}, {"GET", "/rest/audit/1.0/events"}}) {
                assertThat(reason(bb.auth(admin, r[0], r[1]))).as(r[0] + " " + r[1])
                        .isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
            }
            assertThat(bb.auth(admin, "DELETE", "/rest/api/latest/projects/P/repos/r").isAllowed()).isTrue();
            IssuedToken sys = bb.latchkey.tokens().create(Actor.user("admin"),
                    NewToken.builder("sys", AccessLevel.ADMIN).domainLevels(Map.of("system", AccessLevel.ADMIN)).build());
            assertThat(bb.auth(sys, "PUT", "/rest/api/1.0/admin/permissions/users").isAllowed()).isTrue();
        }
    }

    @Test
    void authenticateWhenLfsBatchThenReadTokenMayDownloadButNotUpload() {
        try (Engine bb = new Engine()) {
            IssuedToken read = bb.latchkey.tokens().create(Actor.user("alice"),
                    NewToken.builder("read", AccessLevel.READ).build());
            String batch = "/scm/DEMO/demo-repo.git/info/lfs/objects/batch";
            RequestFacts down = new RequestFacts("POST", batch, "", "10.1.2.3").withBody(() -> Optional.of(
                    "{\"operation\":\"download\",\"objects\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            RequestFacts up = new RequestFacts("POST", batch, "", "10.1.2.3").withBody(() -> Optional.of(
                    "{\"operation\":\"upload\",\"objects\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            Credential c = Credential.bearer(read.secret().reveal());
            assertThat(bb.latchkey.authenticator().authenticate(c, down).isAllowed()).isTrue();
            assertThat(reason(bb.latchkey.authenticator().authenticate(c, up))).isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
        }
    }
}
