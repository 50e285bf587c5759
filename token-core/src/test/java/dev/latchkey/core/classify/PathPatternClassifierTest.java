package dev.latchkey.core.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.spi.AccessLevel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11: a path-pattern classifier names resources on a host that is not Bitbucket. */
class PathPatternClassifierTest {
    private final PathPatternClassifier classifier = PathPatternClassifier.builder()
            .route("/api/repos/{repo}/settings/**", AccessLevel.ADMIN, AccessLevel.ADMIN)
            .route("/api/repos/{repo}/**")
            .route("/api/projects/{project}/repos/{repo}", Map.of("GET", AccessLevel.READ, "DELETE",
                    AccessLevel.ADMIN), AccessLevel.WRITE)
            .route("/api/health")
            .route("/api/*/stats")
            .build();

    private Requirement classify(String method, String path) {
        return classifier.classify(new RequestFacts(method, path, "", "10.0.0.1"));
    }

    @Test
    void resourcePatternWhenMatchedThenNamesTheResourceInTheVariablesDomain() {
        assertThat(classify("GET", "/api/repos/web/issues/7")).isEqualTo(Requirement.on(AccessLevel.READ, "repo", "web"));
        assertThat(classify("POST", "/api/repos/web/issues")).isEqualTo(Requirement.on(AccessLevel.WRITE, "repo", "web"));
        assertThat(classify("GET", "/api/repos/web")).as("** matches no segment too")
                .isEqualTo(Requirement.on(AccessLevel.READ, "repo", "web"));
        assertThat(classify("GET", "/api/repos/web/")).isEqualTo(Requirement.on(AccessLevel.READ, "repo", "web"));
    }

    @Test
    void firstMatchingPatternWhenSeveralMatchThenDecides() {
        assertThat(classify("GET", "/api/repos/web/settings/hooks"))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "repo", "web"));
        assertThat(classify("GET", "/api/repos/web/settingsx")).isEqualTo(Requirement.on(AccessLevel.READ, "repo", "web"));
    }

    @Test
    void severalVariablesWhenMatchedThenResourceIsTheirPathAndDomainTheLast() {
        assertThat(classify("GET", "/api/projects/P1/repos/web")).isEqualTo(Requirement.on(AccessLevel.READ, "repo", "P1/web"));
        assertThat(classify("DELETE", "/api/projects/P1/repos/web")).isEqualTo(Requirement.on(AccessLevel.ADMIN, "repo", "P1/web"));
        assertThat(classify("PUT", "/api/projects/P1/repos/web")).isEqualTo(Requirement.on(AccessLevel.WRITE, "repo", "P1/web"));
        assertThat(classify("get", "/api/projects/P1/repos/web")).as("method spelled otherwise is another method")
                .isEqualTo(Requirement.on(AccessLevel.WRITE, "repo", "P1/web"));
        assertThat(classify("GET", "/api/projects/P1/repos/web/x")).as("no ** in that pattern: falls back")
                .isEqualTo(Requirement.of(AccessLevel.READ));
    }

    @Test
    void patternWithoutVariablesWhenMatchedThenNoResource() {
        assertThat(classify("GET", "/api/health")).isEqualTo(Requirement.of(AccessLevel.READ));
        assertThat(classify("POST", "/api/x/stats")).isEqualTo(Requirement.of(AccessLevel.WRITE));
        assertThat(classify("GET", "/api/x/y/stats")).isEqualTo(Requirement.of(AccessLevel.READ));
    }

    @Test
    void noPatternWhenMatchedThenFallbackWhichNamesNoResource() {
        assertThat(classify("GET", "/")).isEqualTo(Requirement.of(AccessLevel.READ));
        assertThat(classify("POST", "/api/repos")).isEqualTo(Requirement.of(AccessLevel.WRITE));
        assertThat(classify("POST", "/scm/web.git/git-upload-pack")).isEqualTo(Requirement.of(AccessLevel.READ));
        PathPatternClassifier custom = PathPatternClassifier.builder().route("/a/{x}")
                .otherwise(r -> Requirement.of(AccessLevel.ADMIN)).build();
        assertThat(custom.classify(new RequestFacts("GET", "/b", "", "10.0.0.1"))).isEqualTo(Requirement.of(AccessLevel.ADMIN));
    }

    @Test
    void ambiguousPathWhenClassifiedThenRefusedNotMatchedLoosely() {
        for (String p : new String[] {"/api/repos/../admin", "/api/repos//web", "/api/repos/web;x/issues",
                "/api/repos/%2e%2e/x", "api/repos/web", "/api/repos/./web"}) {
            assertThatThrownBy(() -> classify("GET", p)).as(p).isInstanceOf(UnclassifiableRequestException.class);
        }
    }

    @Test
    void badPatternWhenAddedThenRefusedNamingIt() {
        for (String p : new String[] {"api/x", "/", "/a/", "/a/**/b", "/a/{X}", "/a/{x}/{x}", "/a/{x", "/a/b*",
                "/a/..", "/a//b"}) {
            assertThatThrownBy(() -> PathPatternClassifier.builder().route(p)).as(p)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(p);
        }
        assertThatThrownBy(() -> PathPatternClassifier.builder().route("/a").route("/a"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PathPatternClassifier.builder().route("/a", Map.of("get", AccessLevel.READ),
                AccessLevel.WRITE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GET");
        assertThatThrownBy(() -> PathPatternClassifier.builder().build()).isInstanceOf(IllegalStateException.class);
    }
}
