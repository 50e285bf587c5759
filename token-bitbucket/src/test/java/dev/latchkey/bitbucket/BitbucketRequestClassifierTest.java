package dev.latchkey.bitbucket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.ValidationException;
import dev.latchkey.core.classify.Requirement;
import dev.latchkey.core.classify.UnclassifiableRequestException;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.Scope;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BitbucketRequestClassifierTest {
    private final BitbucketRequestClassifier bb = new BitbucketRequestClassifier();

    private Requirement bb(String method, String path, String query) {
        return bb.classify(new RequestFacts(method, path, query, "10.0.0.1"));
    }

    @Test
    void classifyWhenBitbucketRestThenResourceAndLevel() {
        assertThat(bb("GET", "/rest/api/1.0/projects", "")).isEqualTo(Requirement.of(AccessLevel.READ));
        assertThat(bb("POST", "/rest/api/1.0/projects", "")).isEqualTo(Requirement.of(AccessLevel.ADMIN));
        assertThat(bb("GET", "/rest/api/1.0/projects/demo", ""))
                .isEqualTo(Requirement.on(AccessLevel.READ, "project", "DEMO"));
        assertThat(bb("POST", "/rest/api/1.0/projects/DEMO/repos", "")).as("documented: PROJECT_ADMIN")
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "project", "DEMO"));
        assertThat(bb("DELETE", "/rest/api/1.0/projects/DEMO", ""))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "project", "DEMO"));
        assertThat(bb("PUT", "/rest/api/1.0/projects/DEMO/permissions/users", ""))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "project", "DEMO"));
        assertThat(bb("GET", "/rest/api/1.0/projects/DEMO/repos/Demo-Repo/commits", ""))
                .isEqualTo(Requirement.on(AccessLevel.READ, "repository", "DEMO/demo-repo"));
        assertThat(bb("POST", "/rest/api/1.0/projects/DEMO/repos/demo-repo/pull-requests", ""))
                .isEqualTo(Requirement.on(AccessLevel.WRITE, "repository", "DEMO/demo-repo"));
        assertThat(bb("DELETE", "/rest/api/1.0/projects/DEMO/repos/demo-repo", ""))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "DEMO/demo-repo"));
        assertThat(bb("GET", "/rest/api/1.0/whoami", "")).isEqualTo(Requirement.of(AccessLevel.READ));
    }

    @Test
    void classifyWhenScmThenGitRulesOnRepository() {
        assertThat(bb("GET", "/scm/demo/demo-repo.git/info/refs", "service=git-upload-pack"))
                .isEqualTo(Requirement.on(AccessLevel.READ, "repository", "DEMO/demo-repo"));
        assertThat(bb("POST", "/scm/DEMO/demo-repo.git/git-upload-pack", ""))
                .isEqualTo(Requirement.on(AccessLevel.READ, "repository", "DEMO/demo-repo"));
        assertThat(bb("GET", "/scm/DEMO/demo-repo.git/info/refs", "service=git-receive-pack"))
                .isEqualTo(Requirement.on(AccessLevel.WRITE, "repository", "DEMO/demo-repo"));
        assertThat(bb("POST", "/scm/DEMO/demo-repo.git/git-receive-pack", ""))
                .isEqualTo(Requirement.on(AccessLevel.WRITE, "repository", "DEMO/demo-repo"));
    }

    @Test
    void classifyWhenHostilePathThenUnclassifiable() {
        for (String p : new String[] {"/scm/", "/scm/../x", "/scm/DEMO", "/rest/api/1.0/projects/DE MO",
                "/rest/api/1.0/projects/DEMO/repos/a;b", "/scm/DEMO/r.git/git-receive-pack;/git-upload-pack"}) {
            assertThatThrownBy(() -> bb("POST", p, "")).as(p).isInstanceOf(UnclassifiableRequestException.class);
        }
    }

    @Test
    void canonicalResourceWhenBitbucketThenKeyUpperSlugLowerAndGarbageRejected() {
        assertThat(bb.canonicalResource("demo/Demo-Repo")).isEqualTo("DEMO/demo-repo");
        assertThat(bb.canonicalResource("~alice")).isEqualTo("~ALICE");
        for (String bad : new String[] {"a/b/c", "", "a/", "DE MO", "a/b c"}) {
            assertThatThrownBy(() -> bb.canonicalResource(bad)).isInstanceOf(ValidationException.class);
        }
    }

    @Test
    void validateScopeWhenRepositoryBelowProjectThenRejected() {
        assertThatThrownBy(() -> bb.validateScope(new Scope(AccessLevel.WRITE,
                Map.of("project", AccessLevel.WRITE, "repository", AccessLevel.READ), java.util.Set.of())))
                .hasMessageContaining("at least as permissive");
        bb.validateScope(new Scope(AccessLevel.WRITE, Map.of("project", AccessLevel.READ), java.util.Set.of()));
    }
}
