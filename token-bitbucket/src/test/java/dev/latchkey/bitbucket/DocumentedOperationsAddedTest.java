package dev.latchkey.bitbucket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.classify.Requirement;
import dev.latchkey.spi.AccessLevel;
import org.junit.jupiter.api.Test;

/**
 * Operations of Atlassian's 9.2 REST reference that the endpoint table lacked: the classifier fell back to "a read
 * needs READ on the path's project or repository", so a READ token reached what the reference reserves for
 * administrators. Each test is that attack and must now be refused such a token.
 */
class DocumentedOperationsAddedTest {
    private final BitbucketRequestClassifier bb = new BitbucketRequestClassifier();

    private Requirement need(String method, String path) {
        return bb.classify(new RequestFacts(method, path, "", "10.0.0.1"));
    }

    @Test
    void classifyWhenReadTokenListsHookScriptsThenNeedsProjectOrRepositoryAdmin() {
        // documented PROJECT_ADMIN / REPO_ADMIN: hook scripts run on every push
        assertThat(need("GET", "/rest/api/1.0/projects/prj/hook-scripts"))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "project", "PRJ"));
        assertThat(need("GET", "/rest/api/latest/projects/PRJ/repos/My-Repo/hook-scripts"))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "PRJ/my-repo"));
    }

    @Test
    void classifyWhenReadTokenReadsSecretScanningRulesThenNeedsRepositoryAdmin() {
        // documented "Repository Admin is required": the rules tell what the scanner does not look for
        assertThat(need("GET", "/rest/api/1.0/projects/PRJ/repos/my-repo/secret-scanning/rules/7"))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "PRJ/my-repo"));
        assertThat(need("GET", "/rest/api/1.0/projects/PRJ/repos/my-repo/secret-scanning/allowlist/7"))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "PRJ/my-repo"));
    }

    @Test
    void classifyWhenTokenReadsSystemWideSettingsThenNeedsExplicitSystemAdmin() {
        Requirement system = Requirement.explicit(AccessLevel.ADMIN, BitbucketRequestClassifier.SYSTEM);
        // documented ADMIN and SYS_ADMIN; before, any unlimited READ token
        assertThat(need("GET", "/rest/api/1.0/signing/x509-certificates")).isEqualTo(system);
        assertThat(need("GET", "/rest/api/latest/migration/mesh/summaries")).isEqualTo(system);
        assertThat(need("GET", "/rest/api/1.0/admin/user-directories")).isEqualTo(system);
        assertThat(need("GET", "/rest/mirroring/1.0/syncSettings")).isEqualTo(system);
        // listed by the reference under /rest without a module; anything else there is administration too
        assertThat(need("GET", "/rest/admin")).isEqualTo(system);
        assertThat(need("GET", "/rest/admin/not-documented")).isEqualTo(system);
    }

    @Test
    void classifyWhenWriteTokenDeletesAnotherUsersInsightReportThenNeedsRepositoryAdmin() {
        // documented REPO_READ for the report's author, otherwise REPO_ADMIN; a token cannot show authorship
        String report = "/rest/insights/1.0/projects/PRJ/repos/my-repo/commits/abc123/reports/sonar";
        assertThat(need("DELETE", report)).isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "PRJ/my-repo"));
        assertThat(need("delete", report + "/annotations"))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "PRJ/my-repo"));
    }

    @Test
    void classifyWhenTokenAddsGpgKeyThenNeedsExplicitSystemAdminButListingNeedsRead() {
        // a signing key is a credential, as an SSH key: creating one is not for a READ or WRITE token
        assertThat(need("POST", "/rest/gpg/1.0/keys"))
                .isEqualTo(Requirement.explicit(AccessLevel.ADMIN, BitbucketRequestClassifier.SYSTEM));
        assertThat(need("GET", "/rest/gpg/latest/keys")).isEqualTo(Requirement.of(AccessLevel.READ));
    }
}
