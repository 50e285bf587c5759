package dev.latchkey.bitbucket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.classify.Requirement;
import dev.latchkey.spi.AccessLevel;
import org.junit.jupiter.api.Test;

/**
 * Endpoints where Atlassian's REST reference (9.2) documents more than the classifier used to ask: each attack is a
 * token whose grant met the old requirement and must no longer reach the endpoint.
 */
class DocumentedPermissionCorrectionsTest {
    private final BitbucketRequestClassifier bb = new BitbucketRequestClassifier();

    private Requirement need(String method, String path) {
        return bb.classify(new RequestFacts(method, path, "", "10.0.0.1"));
    }

    @Test
    void classifyWhenReadTokenListsRefChangeActivitiesThenNeedsRepositoryAdmin() {
        // documented REPO_ADMIN: the push history of every user is not for readers
        for (String version : new String[] {"1.0", "latest"}) {
            assertThat(need("GET", "/rest/api/" + version + "/projects/PRJ/repos/my-repo/ref-change-activities"))
                    .isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "PRJ/my-repo"));
            assertThat(need("GET", "/rest/api/" + version
                    + "/projects/PRJ/repos/my-repo/ref-change-activities/branches/"))
                    .isEqualTo(Requirement.on(AccessLevel.ADMIN, "repository", "PRJ/my-repo"));
        }
    }

    @Test
    void classifyWhenTokenReadsAnySshKeyByIdThenNeedsExplicitSystemAdmin() {
        // documented ADMIN (global): any user's key by id
        assertThat(need("GET", "/rest/ssh/1.0/keys/42"))
                .isEqualTo(Requirement.explicit(AccessLevel.ADMIN, BitbucketRequestClassifier.SYSTEM));
        assertThat(need("DELETE", "/rest/ssh/latest/keys/42"))
                .isEqualTo(Requirement.explicit(AccessLevel.ADMIN, BitbucketRequestClassifier.SYSTEM));
    }

    @Test
    void classifyWhenRepositoryAdminTokenRecreatesRepositoryThenNeedsProjectAdmin() {
        // documented PROJECT_ADMIN: a token granted ADMIN on the repository alone must not reach it
        assertThat(need("POST", "/rest/api/1.0/projects/prj/repos/My-Repo/recreate"))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "project", "PRJ"));
        assertThat(need("delete", "/rest/api/latest/projects/PRJ/repos/my-repo/permissions"))
                .isEqualTo(Requirement.on(AccessLevel.ADMIN, "project", "PRJ"));
    }

    @Test
    void classifyWhenReadTokenChangesPullRequestParticipantsThenNeedsWrite() {
        assertThat(need("POST", "/rest/api/1.0/projects/PRJ/repos/my-repo/pull-requests/7/participants").level())
                .isEqualTo(AccessLevel.WRITE);
        assertThat(need("DELETE", "/rest/api/1.0/projects/PRJ/repos/my-repo/pull-requests/7/participants/bob")
                .level()).isEqualTo(AccessLevel.WRITE);
    }
}
