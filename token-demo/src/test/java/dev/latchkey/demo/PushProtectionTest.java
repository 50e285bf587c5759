package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.core.TokenFormat;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditQuery;
import dev.latchkey.spi.Notice;
import dev.latchkey.spi.NoticeKind;
import dev.latchkey.spi.TokenKind;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push protection end to end (issue 14): the real {@code git} pushes to the demo over HTTP; the demo's pre-receive
 * hook scans the new blobs. Skipped, with a visible message, only when git is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushProtectionTest {
    private static final String REPO = "/scm/DEMO/demo-repo.git";
    private static final String PROBE = "/rest/api/1.0/projects";

    @TempDir
    static Path tmp;
    private DemoServer demo;
    private DemoClient http;
    private Git git;
    private String writeToken;

    @BeforeAll
    void start() throws Exception {
        demo = new DemoServer(DemoServer.Options.defaults(tmp.resolve("data")).withPort(0));
        demo.start();
        http = new DemoClient(demo.baseUri());
        if (Git.versionOrSkip("push protection scenarios") != null) {
            git = new Git(tmp);
        }
        writeToken = http.createToken("alice", "{\"name\":\"pusher\",\"level\":\"WRITE\"}").get("token").asText();
    }

    @AfterAll
    void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @BeforeEach
    void requireGit() {
        Assumptions.assumeTrue(git != null, "git is not installed; the push protection scenarios are skipped");
    }

    private Path clone(String name) throws IOException {
        Path w = Files.createTempDirectory(tmp, name);
        Git.Result r = git.withBearer(w, writeToken, "clone", demo.baseUri() + REPO, "repo");
        assertThat(r.exit()).as(r.output()).isZero();
        return w.resolve("repo");
    }

    private String commit(Path repo, String message) {
        assertThat(git.anonymous(repo, "add", "-A").exit()).isZero();
        Git.Result c = git.anonymous(repo, "commit", "-q", "-m", message);
        assertThat(c.exit()).as(c.output()).isZero();
        return git.anonymous(repo, "rev-parse", "HEAD").output().strip();
    }

    private Git.Result push(Path repo, String branch) {
        return git.withBearer(repo, writeToken, "push", "origin", "HEAD:refs/heads/" + branch);
    }

    private boolean remoteHas(String branch) {
        return git.withBearer(tmp, writeToken, "ls-remote", demo.baseUri() + REPO).output()
                .contains("refs/heads/" + branch);
    }

    private int probe(String token) {
        return http.get(PROBE, DemoClient.bearer(token)).status();
    }

    private List<AuditEvent> audit(String tokenId) {
        return demo.auditLog().query(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(tokenId), Optional.empty(), Optional.of(AuditEventType.TOKEN_REVOKED), Optional.empty(),
                0, 50)).items();
    }

    private List<Notice> notices(String tokenId) {
        return demo.notices().recent().stream().filter(n -> n.tokenId().equals(tokenId)).toList();
    }

    @Test
    void pushWhenCommitHoldsActiveTokenThenRefusedNamingFileAndLineAndTokenRevokedAuditedAndOwnerTold()
            throws IOException {
        JsonNode leaky = http.createToken("alice", "{\"name\":\"leaky\",\"level\":\"READ\"}");
        String secret = leaky.get("token").asText();
        String id = leaky.get("id").asText();
        assertThat(probe(secret)).isEqualTo(200);

        Path repo = clone("leak");
        Files.createDirectories(repo.resolve("config"));
        Files.writeString(repo.resolve("config/app.properties"),
                "# service settings\nurl=https://example.invalid\napi.token=" + secret + "\n", StandardCharsets.UTF_8);
        String sha = commit(repo, "add config");

        Git.Result push = push(repo, "leak");
        assertThat(push.exit()).as(push.output()).isNotZero();
        assertThat(push.output()).contains("config/app.properties:3").contains(sha.substring(0, 12))
                .contains("remote rejected").doesNotContain(secret);
        assertThat(remoteHas("leak")).isFalse();

        assertThat(probe(secret)).isEqualTo(401);
        assertThat(probe(writeToken)).as("the token that pushed is not the leaked one").isEqualTo(200);

        String place = "DEMO/demo-repo.git/config/app.properties:3@" + sha;
        List<AuditEvent> revoked = audit(id);
        assertThat(revoked).hasSize(1);
        assertThat(revoked.get(0).actor()).isEqualTo("system");
        assertThat(revoked.get(0).details()).containsEntry("reason", "leaked").containsEntry("foundAt", place);
        assertThat(revoked.get(0).details().get("reporter")).contains("alice");
        assertThat(revoked.get(0).toString()).doesNotContain(secret);

        List<Notice> told = notices(id);
        assertThat(told).hasSize(1);
        assertThat(told.get(0).kind()).isEqualTo(NoticeKind.REVOKED_LEAKED);
        assertThat(told.get(0).owner()).isEqualTo("alice");
        assertThat(told.get(0).details()).containsEntry("foundAt", place);
        assertThat(told.get(0).toString()).doesNotContain(secret);

        // the token is dead now: the same push is let in (with a word about the inactive token)
        Git.Result again = push(repo, "leak");
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).contains("config/app.properties:3").contains("already revoked")
                .doesNotContain(secret);
        assertThat(audit(id)).hasSize(1);
        assertThat(notices(id)).hasSize(1);
    }

    @Test
    void pushWhenCleanThenAccepted() throws IOException {
        Path repo = clone("clean");
        // token-shaped but not ours: a wrong checksum, another prefix
        String made = TokenFormat.defaults().generate(TokenKind.PERSONAL).reveal();
        String wrongChecksum = made.substring(0, made.length() - 1) + (made.endsWith("A") ? "B" : "A");
        Files.writeString(repo.resolve("notes.md"), "nothing secret\n" + wrongChecksum + "\nghp_" + "x".repeat(36)
                + "\n", StandardCharsets.UTF_8);
        commit(repo, "clean");
        Git.Result push = push(repo, "clean");
        assertThat(push.exit()).as(push.output()).isZero();
        assertThat(push.output()).doesNotContain("push protection");
        assertThat(remoteHas("clean")).isTrue();
    }

    @Test
    void pushWhenTokenIsDeepInLargeFileThenRefusedWithItsLine() throws IOException {
        JsonNode leaky = http.createToken("alice", "{\"name\":\"deep\",\"level\":\"READ\"}");
        String secret = leaky.get("token").asText();
        Path repo = clone("deep");
        Path dir = Files.createDirectories(repo.resolve("a/b/c/d/e/f/g"));
        int lines = 120_000; // about 7 MB: read in pieces, the token far past any buffer
        try (Writer w = Files.newBufferedWriter(dir.resolve("dump.log"), StandardCharsets.UTF_8)) {
            for (int i = 1; i <= lines; i++) {
                w.write(i == 100_000 ? "2026-11-29 INFO  connecting with Authorization: Bearer " + secret + "\n"
                        : "2026-11-29 INFO  line " + i + " of a long and boring log, nothing to see here\n");
            }
        }
        String sha = commit(repo, "add a big log");
        Git.Result push = push(repo, "deep");
        assertThat(push.exit()).as(push.output()).isNotZero();
        assertThat(push.output()).contains("a/b/c/d/e/f/g/dump.log:100000").doesNotContain(secret);
        assertThat(remoteHas("deep")).isFalse();
        assertThat(probe(secret)).isEqualTo(401);
        assertThat(audit(leaky.get("id").asText()).get(0).details())
                .containsEntry("foundAt", "DEMO/demo-repo.git/a/b/c/d/e/f/g/dump.log:100000@" + sha);
    }

    @Test
    void pushWhenTokenCameInAnEarlierCommitOfThePushThenThatCommitIsNamed() throws IOException {
        JsonNode leaky = http.createToken("alice", "{\"name\":\"history\",\"level\":\"READ\"}");
        String secret = leaky.get("token").asText();
        Path repo = clone("history");
        Files.writeString(repo.resolve("deploy.sh"), "#!/bin/sh\nexport TOKEN=" + secret + "\n", StandardCharsets.UTF_8);
        String first = commit(repo, "deploy script");
        // the next commit "removes" it, but the blob is still in the pushed history
        Files.writeString(repo.resolve("deploy.sh"), "#!/bin/sh\nexport TOKEN=\"$DEPLOY_TOKEN\"\n",
                StandardCharsets.UTF_8);
        commit(repo, "read the token from the environment");
        Git.Result push = push(repo, "history");
        assertThat(push.exit()).as(push.output()).isNotZero();
        assertThat(push.output()).contains("deploy.sh:2").contains(first.substring(0, 12)).doesNotContain(secret);
        assertThat(probe(secret)).isEqualTo(401);
    }

    @Test
    void pushWhenTokenIsRevokedOrUnknownThenAcceptedAndNothingIsRevoked() throws IOException {
        JsonNode old = http.createToken("alice", "{\"name\":\"old\",\"level\":\"READ\"}");
        String oldSecret = old.get("token").asText();
        assertThat(http.send("DELETE", "/rest/latchkey/1.0/tokens/" + old.get("id").asText(),
                DemoClient.basic("alice", "alice"), null).status()).isEqualTo(204);
        String unknown = TokenFormat.defaults().generate(TokenKind.PERSONAL).reveal(); // valid checksum, never issued
        JsonNode other = http.createToken("bob", "{\"name\":\"bystander\",\"level\":\"READ\"}");

        Path repo = clone("inactive");
        Files.writeString(repo.resolve("old.txt"), "revoked: " + oldSecret + "\nunknown: " + unknown + "\n",
                StandardCharsets.UTF_8);
        commit(repo, "old tokens");
        Git.Result push = push(repo, "inactive");
        assertThat(push.exit()).as(push.output()).isZero();
        assertThat(push.output()).contains("old.txt:1").contains("already revoked").doesNotContain("old.txt:2")
                .doesNotContain(oldSecret).doesNotContain(unknown);
        assertThat(remoteHas("inactive")).isTrue();
        assertThat(probe(other.get("token").asText())).isEqualTo(200);
        assertThat(audit(old.get("id").asText())).hasSize(1); // the owner's own revocation, nothing more
        assertThat(notices(old.get("id").asText())).isEmpty();
    }
}
