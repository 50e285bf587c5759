package dev.latchkey.core;

import static dev.latchkey.core.Fixture.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.classify.GitAwareMethodClassifier;
import dev.latchkey.core.classify.GitQuery;
import dev.latchkey.core.classify.RequestClassifier;
import dev.latchkey.core.classify.Requirement;
import dev.latchkey.core.classify.UnclassifiableRequestException;
import dev.latchkey.spi.AccessLevel;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GitAwareMethodClassifierTest {
    private final GitAwareMethodClassifier c = new GitAwareMethodClassifier();

    private AccessLevel level(String method, String path, String query) {
        return c.classify(new RequestFacts(method, path, query, "10.0.0.1")).level();
    }

    @Test
    void classifyWhenDefaultClassifierThenByMethodWithGit() {
        assertThat(level("OPTIONS", "/x", "")).isEqualTo(AccessLevel.READ);
        assertThat(level("HEAD", "/x", "")).isEqualTo(AccessLevel.READ);
        assertThat(level("PROPFIND", "/x", "")).isEqualTo(AccessLevel.WRITE);
        assertThat(level("get", "/x", "")).as("unknown spelling is not safe").isEqualTo(AccessLevel.WRITE);
        assertThat(level("PUT", "/r.git/git-upload-pack", "")).isEqualTo(AccessLevel.WRITE);
        assertThat(level("GET", "/r.git/info/refs", "service=git-upload-pack")).isEqualTo(AccessLevel.READ);
        assertThat(level("GET", "/r.git/info/refs", "service=git-receive-pack")).isEqualTo(AccessLevel.WRITE);
    }

    @Test
    void serviceWhenPercentEncodedThenReadAsTheContainerDecodesIt() {
        // the container decodes these to service=git-receive-pack: a push, never a fetch
        for (String q : new String[] {"service=git%2Dreceive%2Dpack", "%73ervice=git-receive-pack",
                "%73%65%72%76%69%63%65=%67it-receive-pack", "x=1&service=git-receive%2dpack"}) {
            assertThat(GitQuery.service(q)).as(q).isEqualTo("git-receive-pack");
            assertThat(level("GET", "/r.git/info/refs", q)).as(q).isEqualTo(AccessLevel.WRITE);
        }
    }

    @Test
    void serviceWhenDuplicatedOrMalformedThenUnclassifiable() {
        for (String q : new String[] {"service=git-upload-pack&service=git-receive-pack",
                "service=git-upload-pack&%73ervice=git-receive-pack", "service=git-upload-pack&service=git-upload-pack",
                "service=git-upload-pack%", "service=%zz"}) {
            assertThatThrownBy(() -> level("GET", "/r.git/info/refs", q)).as(q)
                    .isInstanceOf(UnclassifiableRequestException.class);
        }
    }

    @Test
    void serviceWhenUnknownValueThenWrite() {
        assertThat(level("GET", "/r.git/info/refs", "service=git-upload-pack-x")).isEqualTo(AccessLevel.WRITE);
        assertThat(level("GET", "/r.git/info/refs", "")).isEqualTo(AccessLevel.READ);
        assertThat(level("GET", "/r.git/info/refs", "servicex=git-receive-pack")).isEqualTo(AccessLevel.READ);
    }

    @Test
    void requestFactsWhenBuiltWithoutBodyThenBodyIsEmpty() {
        RequestFacts f = new RequestFacts("POST", "/x", "", "10.0.0.1");
        assertThat(f.body().get()).isEmpty();
        RequestFacts b = f.withBody(() -> Optional.of(new byte[] {1}));
        assertThat(b.body().get()).hasValue(new byte[] {1});
        assertThat(new GitAwareMethodClassifier().needsBody("POST", "/x")).isFalse();
    }

    @Test
    void authenticateWhenExplicitDomainNotInScopeThenRefusedWhateverTheLevel() {
        RequestClassifier system = new RequestClassifier() {
            @Override
            public Requirement classify(RequestFacts request) {
                return request.path().startsWith("/admin") ? Requirement.explicit(AccessLevel.ADMIN, "system")
                        : Requirement.of(AccessLevel.READ);
            }
        };
        try (Fixture f = new Fixture(system)) {
            IssuedToken admin = f.latchkey.tokens().create(Actor.user("admin"),
                    NewToken.builder("all", AccessLevel.ADMIN).build());
            assertThat(reason(f.auth(admin, "POST", "/admin/x"))).isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
            assertThat(f.auth(admin, "GET", "/x").isAllowed()).isTrue();
            IssuedToken sys = f.latchkey.tokens().create(Actor.user("admin"), NewToken.builder("sys", AccessLevel.ADMIN)
                    .domainLevels(Map.of("system", AccessLevel.ADMIN)).build());
            assertThat(f.auth(sys, "POST", "/admin/x").isAllowed()).isTrue();
            IssuedToken sysRead = f.latchkey.tokens().create(Actor.user("admin"), NewToken.builder("sys-read",
                    AccessLevel.ADMIN).domainLevels(Map.of("system", AccessLevel.READ)).build());
            assertThat(reason(f.auth(sysRead, "POST", "/admin/x"))).isEqualTo(RefusalReason.INSUFFICIENT_SCOPE);
        }
    }

    @Test
    void requirementWhenExplicitWithoutDomainThenRejected() {
        assertThatThrownBy(() -> new Requirement(AccessLevel.ADMIN, Optional.empty(), Optional.empty(), true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
