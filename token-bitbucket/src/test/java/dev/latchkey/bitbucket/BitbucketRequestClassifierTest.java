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

    private Requirement withBody(String method, String path, String body) {
        RequestFacts f = new RequestFacts(method, path, "", "10.0.0.1");
        return bb.classify(body == null ? f : f.withBody(() -> java.util.Optional.of(
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    private static Requirement system() {
        return Requirement.explicit(AccessLevel.ADMIN, BitbucketRequestClassifier.SYSTEM);
    }

    @Test
    void classifyWhenLatestOrOneDotOhThenSameRules() {
        for (String v : new String[] {"1.0", "latest"}) {
            assertThat(bb("DELETE", "/rest/api/" + v + "/projects/P/repos/r", ""))
                    .isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "P/r"));
            assertThat(bb("PUT", "/rest/api/" + v + "/projects/P/permissions/users", ""))
                    .isEqualTo(Requirement.on(AccessLevel.ADMIN, "project", "P"));
            assertThat(bb("GET", "/rest/api/" + v + "/projects/P/repos/r/permissions/users", ""))
                    .isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "P/r"));
            assertThat(bb("PUT", "/rest/api/" + v + "/admin/permissions/users", "")).isEqualTo(system());
        }
    }

    @Test
    void classifyWhenUnknownNonSafeUnderRestThenHighestLevelNeverWriteByMethod() {
        assertThat(bb("POST", "/rest/api/latest/made-up", "")).isEqualTo(system());
        assertThat(bb("POST", "/rest/whatever/1.0/thing", "")).isEqualTo(system());
        assertThat(bb("POST", "/rest", "")).isEqualTo(system());
        assertThat(bb("POST", "/rest/api/9.9/projects", "")).as("unknown version").isEqualTo(system());
        assertThat(bb("POST", "/rest/api/latest/projects/P/made-up", ""))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "project", "P"));
        assertThat(bb("PATCH", "/rest/api/latest/projects/P/repos/r/pull-requests", ""))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "P/r"));
        assertThat(bb("POST", "/rest/api/latest/projects/P/repos/r/branches/default", ""))
                .as("documented: PUT only").isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "P/r"));
    }

    @Test
    void classifyWhenMethodSpelledOddlyThenEscalationIsCaseInsensitive() {
        assertThat(bb("delete", "/rest/api/latest/projects/P/repos/r", "").level()).isEqualTo(AccessLevel.ADMIN);
        assertThat(bb("pOsT", "/rest/api/latest/projects/P/repos/r/pull-requests", ""))
                .isEqualTo(Requirement.on(AccessLevel.WRITE, "repository", "P/r"));
        assertThat(bb("get", "/rest/api/latest/projects/P/repos/r", "").level()).as("not GET: not safe")
                .isEqualTo(AccessLevel.ADMIN);
        assertThat(bb("GET ", "/rest/api/latest/projects", "")).isEqualTo(system());
    }

    @Test
    void classifyWhenUnknownGetThenReadOnThePathsResourceOrNoneOrSystemUnderAdmin() {
        assertThat(bb("GET", "/rest/api/latest/made-up", "")).isEqualTo(Requirement.of(AccessLevel.READ));
        assertThat(bb("GET", "/rest/nope/1.0/projects/P/repos/r/x", ""))
                .isEqualTo(Requirement.on(AccessLevel.READ, "repository", "P/r"));
        assertThat(bb("GET", "/rest/api/latest/admin/made-up", "")).isEqualTo(system());
        assertThat(bb("GET", "/rest/audit/1.0/made-up", "")).isEqualTo(system());
    }

    @Test
    void classifyWhenPersonalRepositoryThenTildeProject() {
        assertThat(bb("GET", "/rest/api/latest/users/alice/repos/r/commits", ""))
                .isEqualTo(Requirement.on(AccessLevel.READ, "repository", "~ALICE/r"));
        assertThat(bb("POST", "/scm/~alice/r.git/git-upload-pack", ""))
                .isEqualTo(Requirement.on(AccessLevel.READ, "repository", "~ALICE/r"));
        assertThat(bb("DELETE", "/rest/api/latest/projects/~alice/repos/r", ""))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "~ALICE/r"));
    }

    @Test
    void classifyWhenGitServiceEncodedOrDuplicatedThenPushOrRefused() {
        String refs = "/scm/P/r.git/info/refs";
        assertThat(bb("GET", refs, "service=git%2Dreceive%2Dpack").level()).isEqualTo(AccessLevel.WRITE);
        assertThat(bb("GET", refs, "%73ervice=git-receive-pack").level()).isEqualTo(AccessLevel.WRITE);
        for (String q : new String[] {"service=git-upload-pack&service=git-receive-pack",
                "service=git-upload-pack&%73ervice=git-receive-pack", "service=git-upload-pack-2", "service=%"}) {
            assertThatThrownBy(() -> bb("GET", refs, q)).as(q).isInstanceOf(UnclassifiableRequestException.class);
        }
    }

    @Test
    void classifyWhenUploadPackOutsideARepositoryPathThenNotRead() {
        assertThat(bb("POST", "/rest/api/latest/admin/git-upload-pack", "")).isEqualTo(system());
        assertThat(bb("POST", "/scm/P/r.git/x/git-upload-pack", "").level()).isEqualTo(AccessLevel.ADMIN);
        assertThat(bb("POST", "/scm/P/r.git/git-upload-pack/x", "").level()).isEqualTo(AccessLevel.ADMIN);
        assertThat(bb("PUT", "/scm/P/r.git/git-upload-pack", "").level()).isEqualTo(AccessLevel.ADMIN);
        assertThat(bb("post", "/scm/P/r.git/git-receive-pack", "").level()).isEqualTo(AccessLevel.WRITE);
    }

    @Test
    void classifyWhenLfsBatchThenDownloadIsReadAndAnythingElseWrite() {
        String batch = "/scm/P/r.git/info/lfs/objects/batch";
        assertThat(bb.needsBody("POST", batch)).isTrue();
        assertThat(bb.needsBody("post", batch)).isTrue();
        assertThat(bb.needsBody("POST", "/scm/P/r.git/git-upload-pack")).isFalse();
        assertThat(bb.needsBody("POST", "/rest/api/latest/projects")).isFalse();
        assertThat(withBody("POST", batch, "{\"operation\":\"download\",\"objects\":[{\"oid\":\"a\",\"size\":1}]}"))
                .isEqualTo(Requirement.on(AccessLevel.READ, "repository", "P/r"));
        for (String attack : new String[] {"{\"operation\":\"upload\"}", "{\"operation\":\"Download\"}",
                "{\"operation\":\"download\",\"operation\":\"upload\"}", "{\"operation\":[\"download\"]}",
                "[{\"operation\":\"download\"}]", "{\"operation\":\"download\"", "", "not json",
                "{\"objects\":[]}", "{\"x\":{\"operation\":\"download\"}}"}) {
            assertThat(withBody("POST", batch, attack).level()).as(attack).isEqualTo(AccessLevel.WRITE);
        }
        assertThat(withBody("POST", batch, null).level()).as("no body offered").isEqualTo(AccessLevel.WRITE);
    }

    @Test
    void classifyWhenLfsTransferAndLocksThenReadOrWrite() {
        String lfs = "/scm/P/r.git/info/lfs";
        assertThat(bb("GET", lfs + "/objects/abc123", "").level()).isEqualTo(AccessLevel.READ);
        assertThat(bb("PUT", lfs + "/objects/abc123", "").level()).isEqualTo(AccessLevel.WRITE);
        assertThat(bb("POST", lfs + "/objects/abc123/verify", "").level()).isEqualTo(AccessLevel.WRITE);
        assertThat(bb("DELETE", lfs + "/objects/abc123", "").level()).isEqualTo(AccessLevel.ADMIN);
        assertThat(bb("GET", lfs + "/locks", "").level()).isEqualTo(AccessLevel.READ);
        assertThat(bb("POST", lfs + "/locks", "").level()).isEqualTo(AccessLevel.WRITE);
        assertThat(bb("POST", lfs + "/locks/verify", "").level()).as("needs push rights").isEqualTo(AccessLevel.WRITE);
        assertThat(bb("POST", lfs + "/locks/7/unlock", "").level()).isEqualTo(AccessLevel.WRITE);
    }

    @Test
    void validateScopeWhenSystemDomainThenAccepted() {
        bb.validateScope(new Scope(AccessLevel.ADMIN, Map.of("system", AccessLevel.ADMIN), java.util.Set.of()));
        assertThatThrownBy(() -> bb.validateScope(new Scope(AccessLevel.ADMIN, Map.of("sys", AccessLevel.ADMIN),
                java.util.Set.of()))).isInstanceOf(ValidationException.class);
    }
}
