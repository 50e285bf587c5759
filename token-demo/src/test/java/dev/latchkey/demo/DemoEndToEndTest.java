package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end scenarios against a demo started in-process on a free port, driven with real HTTP
 * ({@link java.net.http.HttpClient}) and the real {@code git} binary. The git scenarios are skipped, with a
 * visible message, only when git is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoEndToEndTest {
    private static final String REPO = "/scm/DEMO/demo-repo.git";

    @TempDir
    static Path tmp;
    private DemoServer demo;
    private DemoClient http;
    private Git git;
    private String gitVersion;

    @BeforeAll
    void start() throws Exception {
        demo = new DemoServer(DemoServer.Options.defaults(tmp.resolve("data")).withPort(0));
        demo.start();
        http = new DemoClient(demo.baseUri());
        gitVersion = Git.versionOrSkip("git end-to-end scenarios");
        if (gitVersion != null) {
            git = new Git(tmp);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    private void requireGit() {
        Assumptions.assumeTrue(git != null, "git is not installed; the git end-to-end scenario is skipped");
    }

    private String url(String path) {
        return demo.baseUri() + path;
    }

    private Path newDir(String name) throws IOException {
        return Files.createTempDirectory(tmp, name);
    }

    private static String secret(JsonNode issued) {
        return issued.get("token").asText();
    }

    // ------------------------------------------------------------------ git with READ and WRITE tokens

    @Test
    void gitWhenAliceHasReadTokenThenCloneAndFetchWorkWithBasicAndBearerButPushIsRefused() throws IOException {
        requireGit();
        String read = secret(http.createToken("alice", "{\"name\":\"git-read\",\"level\":\"READ\"}"));

        Path w1 = newDir("bearer");
        Git.Result clone = git.withBearer(w1, read, "clone", url(REPO), "repo");
        assertThat(clone.exit()).as(clone.output()).isZero();
        assertThat(w1.resolve("repo/README.md")).exists();
        Git.Result fetch = git.withBearer(w1.resolve("repo"), read, "fetch", "origin");
        assertThat(fetch.exit()).as(fetch.output()).isZero();

        Path w2 = newDir("basic");
        Git.Result basicClone = git.withBasic(w2, "alice", read, "clone", url(REPO), "repo");
        assertThat(basicClone.exit()).as(basicClone.output()).isZero();
        Git.Result basicFetch = git.withBasic(w2.resolve("repo"), "alice", read, "fetch", "origin");
        assertThat(basicFetch.exit()).as(basicFetch.output()).isZero();

        Path repo = w1.resolve("repo");
        Files.writeString(repo.resolve("read-token.txt"), "should not arrive\n");
        assertThat(git.anonymous(repo, "add", "read-token.txt").exit()).isZero();
        assertThat(git.anonymous(repo, "commit", "-m", "try with READ").exit()).isZero();
        Git.Result push = git.withBearer(repo, read, "push", "origin", "HEAD:refs/heads/read-attempt");
        assertThat(push.exit()).as(push.output()).isNotZero();
        assertThat(push.output()).doesNotContain(read);
        Git.Result basicPush = git.withBasic(repo, "alice", read, "push", "origin", "HEAD:refs/heads/read-attempt");
        assertThat(basicPush.exit()).as(basicPush.output()).isNotZero();
    }

    @Test
    void gitWhenAliceHasWriteTokenThenPushWorks() throws IOException {
        requireGit();
        String write = secret(http.createToken("alice", "{\"name\":\"git-write\",\"level\":\"WRITE\"}"));
        Path w = newDir("write");
        assertThat(git.withBasic(w, "alice", write, "clone", url(REPO), "repo").exit()).isZero();
        Path repo = w.resolve("repo");
        Files.writeString(repo.resolve("pushed.txt"), "pushed with a WRITE token\n");
        assertThat(git.anonymous(repo, "add", "pushed.txt").exit()).isZero();
        assertThat(git.anonymous(repo, "commit", "-m", "push with WRITE").exit()).isZero();
        Git.Result push = git.withBasic(repo, "alice", write, "push", "origin", "HEAD:refs/heads/write-token");
        assertThat(push.exit()).as(push.output()).isZero();
        Git.Result bearerPush = git.withBearer(repo, write, "push", "origin", "HEAD:refs/heads/write-token-bearer");
        assertThat(bearerPush.exit()).as(bearerPush.output()).isZero();

        Git.Result ls = git.withBearer(w, write, "ls-remote", url(REPO));
        assertThat(ls.output()).contains("refs/heads/write-token", "refs/heads/write-token-bearer");
    }

    @Test
    void gitWhenNoCredentialsThenRefused() throws IOException {
        requireGit();
        Git.Result clone = git.anonymous(newDir("anon"), "clone", url(REPO), "repo");
        assertThat(clone.exit()).isNotZero();
    }

    // ------------------------------------------------------------------ the permission model

    @Test
    void createWhenBobAsksForWriteThenRefusedButReadWorks() {
        DemoClient.Response write = http.send("POST", "/rest/latchkey/1.0/tokens", DemoClient.basic("bob", "bob"),
                "{\"name\":\"bob-write\",\"level\":\"WRITE\"}");
        assertThat(write.status()).as(write.body()).isIn(400, 403);
        String read = secret(http.createToken("bob", "{\"name\":\"bob-read\",\"level\":\"READ\"}"));
        assertThat(http.get("/rest/api/1.0/projects", DemoClient.bearer(read)).status()).isEqualTo(200);
        // his READ token cannot create a repository
        DemoClient.Response create = http.send("POST", "/rest/api/1.0/projects/DEMO/repos", DemoClient.bearer(read),
                "{\"name\":\"bobs-repo\"}");
        assertThat(create.status()).isEqualTo(403);
    }

    @Test
    void tokensWhenCarolIsAContractorThenSheCannotCreateAndHerOldTokenIsRefused() {
        DemoClient.Response create = http.send("POST", "/rest/latchkey/1.0/tokens", DemoClient.basic("carol", "carol"),
                "{\"name\":\"carol\",\"level\":\"READ\"}");
        assertThat(create.status()).as(create.body()).isEqualTo(403);

        // a token she made while she was briefly a developer stops working once she is a contractor again
        demo.directory().setGroups("carol", Set.of("developers"));
        String token;
        try {
            token = secret(http.createToken("carol", "{\"name\":\"carol-was-dev\",\"level\":\"READ\"}"));
        } finally {
            demo.directory().setGroups("carol", Set.of("contractors"));
        }
        assertThat(pollStatus("/rest/api/1.0/projects", DemoClient.bearer(token), 401)).isEqualTo(401);
    }

    @Test
    void tokenWhenDaveIsDeactivatedThenItStopsWorkingWithinTheDirectoryCacheTime() {
        assertThat(http.send("POST", "/rest/latchkey/1.0/tokens", DemoClient.basic("dave", "dave"),
                "{\"name\":\"dave\",\"level\":\"READ\"}").status()).as("dave starts deactivated").isEqualTo(401);
        demo.directory().setActive("dave", true);
        String token = secret(http.createToken("dave", "{\"name\":\"dave\",\"level\":\"READ\"}"));
        assertThat(http.get("/rest/api/1.0/whoami", DemoClient.bearer(token)).status()).isEqualTo(200);

        demo.directory().setActive("dave", false);
        long t0 = System.nanoTime();
        int status = pollStatus("/rest/api/1.0/whoami", DemoClient.bearer(token), 401);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(status).isEqualTo(401);
        assertThat(ms).as("refused within the 2 s directory cache time (plus slack)").isLessThan(5_000);
    }

    /** Polls until the answer is {@code expected} or 10 s passed; returns the last status. */
    private int pollStatus(String path, String authorization, int expected) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        int status;
        do {
            status = http.get(path, authorization).status();
            if (status == expected) {
                return status;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return status;
            }
        } while (System.nanoTime() < deadline);
        return status;
    }

    // ------------------------------------------------------------------ token manager and audit

    @Test
    void adminWhenCreatingOnBehalfOfAliceAndRevokingThenAuditShowsBothWithActorAndOwner() {
        String admin = DemoClient.basic("admin", "admin");
        DemoClient.Response created = http.send("POST", "/rest/latchkey/1.0/admin/tokens", admin,
                "{\"name\":\"for-alice\",\"level\":\"READ\",\"owner\":\"alice\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode record = created.json();
        String id = record.get("id").asText();
        assertThat(record.get("owner").asText()).isEqualTo("alice");
        assertThat(record.get("createdBy").asText()).isEqualTo("admin");
        String token = secret(record);
        DemoClient.Response who = http.get("/rest/api/1.0/whoami", DemoClient.bearer(token));
        assertThat(who.json().get("user").asText()).isEqualTo("alice");

        assertThat(http.send("DELETE", "/rest/latchkey/1.0/admin/tokens/" + id, admin, null).status()).isEqualTo(204);
        assertThat(http.get("/rest/api/1.0/whoami", DemoClient.bearer(token)).status()).isEqualTo(401);

        DemoClient.Response audit = http.get("/rest/latchkey/1.0/admin/audit?tokenId=" + id, admin);
        assertThat(audit.status()).as(audit.body()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        for (JsonNode e : audit.json().get("items")) {
            events.add(e.get("type").asText() + " actor=" + e.get("actor").asText() + " owner="
                    + e.get("tokenOwner").asText());
        }
        assertThat(events).contains("TOKEN_CREATED actor=admin owner=alice", "TOKEN_REVOKED actor=admin owner=alice");
        assertThat(audit.body()).doesNotContain(token);

        // alice is no token manager: no audit log for her
        assertThat(http.get("/rest/latchkey/1.0/admin/audit", DemoClient.basic("alice", "alice")).status())
                .isEqualTo(403);
    }

    // ------------------------------------------------------------------ client IP and trusted proxies

    @Test
    void cidrWhenTokenLimitedTo10SlashEightThenRefusedFromLoopbackAndForwardedHeaderFromUntrustedPeerIgnored() {
        String token = secret(http.createToken("alice",
                "{\"name\":\"ten-net\",\"level\":\"READ\",\"allowedCidrs\":[\"10.0.0.0/8\"]}"));
        assertThat(http.get("/rest/api/1.0/projects", DemoClient.bearer(token)).status()).isEqualTo(401);
        // this demo trusts no proxy, so the header is ignored
        assertThat(http.get("/rest/api/1.0/projects", DemoClient.bearer(token), "X-Forwarded-For", "10.1.2.3")
                .status()).isEqualTo(401);
    }

    @Test
    void cidrWhenLoopbackIsATrustedProxyThenForwardedClientInsideTheRangeIsAccepted() throws Exception {
        Path data = tmp.resolve("proxy-data");
        Files.createDirectories(data);
        Path config = data.resolve(DemoConfig.FILE_NAME);
        DemoConfig.writeDefaultIfAbsent(config);
        String text = Files.readString(config, StandardCharsets.UTF_8)
                .replace("\nlatchkey.trustedProxies=\n", "\nlatchkey.trustedProxies=127.0.0.1/32\n");
        Files.writeString(config, text, StandardCharsets.UTF_8);
        try (DemoServer proxied = new DemoServer(DemoServer.Options.defaults(data).withPort(0))) {
            proxied.start();
            assertThat(proxied.config().trustedProxies()).containsExactly("127.0.0.1/32");
            DemoClient client = new DemoClient(proxied.baseUri());
            String token = secret(client.createToken("alice",
                    "{\"name\":\"ten-net\",\"level\":\"READ\",\"allowedCidrs\":[\"10.0.0.0/8\"]}"));
            assertThat(client.get("/rest/api/1.0/projects", DemoClient.bearer(token), "X-Forwarded-For", "10.1.2.3")
                    .status()).isEqualTo(200);
            assertThat(client.get("/rest/api/1.0/projects", DemoClient.bearer(token)).status()).isEqualTo(401);
            assertThat(client.get("/rest/api/1.0/projects", DemoClient.bearer(token), "X-Forwarded-For", "192.0.2.7")
                    .status()).isEqualTo(401);
        }
    }

    // ------------------------------------------------------------------ passwords

    @Test
    void passwordWhenUsedOnTheApiThenUseAnApiTokenButOnTheTokenApiItWorks() {
        DemoClient.Response api = http.get("/rest/api/1.0/projects", DemoClient.basic("alice", "alice"));
        assertThat(api.status()).isEqualTo(401);
        assertThat(api.json().get("error").asText()).isEqualTo("token_required");
        assertThat(api.body()).contains("use an API token");
        assertThat(api.raw().headers().allValues("WWW-Authenticate")).anyMatch(h -> h.startsWith("Basic"));

        DemoClient.Response tokens = http.get("/rest/latchkey/1.0/tokens", DemoClient.basic("alice", "alice"));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);

        assertThat(http.get("/rest/latchkey/1.0/tokens", DemoClient.basic("alice", "wrong")).status()).isEqualTo(401);
        assertThat(http.get("/rest/api/1.0/projects", null).status()).isEqualTo(401);
    }

    // ------------------------------------------------------------------ resource-limited tokens and the REST API

    @Test
    void scopeWhenTokenLimitedToDemoRepoThenAnotherRepositoryIsRefused() throws IOException {
        // creating a repository is PROJECT_ADMIN in Bitbucket: an ADMIN token of an admin
        String creator = secret(http.createToken("admin", "{\"name\":\"creator\",\"level\":\"ADMIN\"}"));
        DemoClient.Response created = http.send("POST", "/rest/api/1.0/projects/DEMO/repos", DemoClient.bearer(creator),
                "{\"name\":\"Other Repo\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("slug").asText()).isEqualTo("other-repo");

        String limited = secret(http.createToken("alice",
                "{\"name\":\"only-demo-repo\",\"level\":\"READ\",\"resources\":[\"DEMO/demo-repo\"]}"));
        assertThat(http.get("/rest/api/1.0/projects/DEMO/repos/demo-repo", DemoClient.bearer(limited)).status())
                .isEqualTo(200);
        assertThat(http.get("/rest/api/1.0/projects/DEMO/repos/other-repo", DemoClient.bearer(limited)).status())
                .isEqualTo(403);
        if (git != null) {
            Path w = newDir("limited");
            assertThat(git.withBearer(w, limited, "clone", url(REPO), "ok").exit()).isZero();
            Git.Result other = git.withBearer(w, limited, "clone", url("/scm/DEMO/other-repo.git"), "other");
            assertThat(other.exit()).as(other.output()).isNotZero();
        }
    }

    @Test
    void restApiWhenUsedWithTokensThenBitbucketShapedAnswersAndHostRights() {
        String read = secret(http.createToken("alice", "{\"name\":\"api-read\",\"level\":\"READ\"}"));
        JsonNode projects = http.get("/rest/api/1.0/projects", DemoClient.bearer(read)).json();
        assertThat(projects.get("values").get(0).get("key").asText()).isEqualTo("DEMO");
        JsonNode repos = http.get("/rest/api/1.0/projects/DEMO/repos", DemoClient.bearer(read)).json();
        assertThat(repos.get("values").findValuesAsText("slug")).contains("demo-repo");
        JsonNode who = http.get("/rest/api/1.0/whoami", DemoClient.bearer(read)).json();
        assertThat(who.get("user").asText()).isEqualTo("alice");
        assertThat(who.get("authenticatedBy").asText()).isEqualTo("token");
        assertThat(who.get("tokenId").asText()).isNotBlank();
        // READ token: no repository creation (the token scope), 403 from the Latchkey filter
        assertThat(http.send("POST", "/rest/api/1.0/projects/DEMO/repos", DemoClient.bearer(read),
                "{\"name\":\"nope\"}").status()).isEqualTo(403);

        // WRITE token: creating (PROJECT_ADMIN) and deleting (REPO_ADMIN) a repository need an ADMIN token
        String write = secret(http.createToken("alice", "{\"name\":\"api-write\",\"level\":\"WRITE\"}"));
        assertThat(http.send("POST", "/rest/api/1.0/projects/DEMO/repos", DemoClient.bearer(write),
                "{\"name\":\"scratch\"}").status()).isEqualTo(403);
        String admin = secret(http.createToken("admin", "{\"name\":\"api-admin\",\"level\":\"ADMIN\"}"));
        assertThat(http.send("POST", "/rest/api/1.0/projects/DEMO/repos", DemoClient.bearer(admin),
                "{\"name\":\"scratch\"}").status()).isEqualTo(201);
        assertThat(http.send("DELETE", "/rest/api/1.0/projects/DEMO/repos/scratch", DemoClient.bearer(write), null)
                .status()).isEqualTo(403);
        assertThat(http.get("/rest/api/1.0/projects/DEMO/repos/scratch", DemoClient.bearer(write)).status())
                .isEqualTo(200);
        assertThat(http.send("DELETE", "/rest/api/1.0/projects/DEMO/repos/scratch", DemoClient.bearer(admin), null)
                .status()).isEqualTo(204);
    }

    // ------------------------------------------------------------------ revocation

    @Test
    void revokeWhenTokenIsRevokedThenTheNextGitFetchFails() throws IOException {
        requireGit();
        JsonNode issued = http.createToken("alice", "{\"name\":\"to-revoke\",\"level\":\"READ\"}");
        String token = secret(issued);
        Path w = newDir("revoke");
        assertThat(git.withBearer(w, token, "clone", url(REPO), "repo").exit()).isZero();
        assertThat(git.withBearer(w.resolve("repo"), token, "fetch", "origin").exit()).isZero();

        DemoClient.Response revoke = http.send("DELETE", "/rest/latchkey/1.0/tokens/" + issued.get("id").asText(),
                DemoClient.basic("alice", "alice"), null);
        assertThat(revoke.status()).as(revoke.body()).isEqualTo(204);

        Git.Result fetch = git.withBearer(w.resolve("repo"), token, "fetch", "origin");
        assertThat(fetch.exit()).as(fetch.output()).isNotZero();
        Git.Result basic = git.withBasic(w.resolve("repo"), "alice", token, "fetch", "origin");
        assertThat(basic.exit()).as(basic.output()).isNotZero();
    }

    // ------------------------------------------------------------------ Git LFS with the real git-lfs client

    private void requireGitLfs() {
        requireGit();
        Git.Result v = git.anonymous(tmp, "lfs", "version");
        if (v.exit() != 0) {
            if ("true".equals(System.getenv("LATCHKEY_TEST_REQUIRE_GIT_LFS"))) {
                throw new AssertionError("git-lfs is required (LATCHKEY_TEST_REQUIRE_GIT_LFS=true) but not installed");
            }
            System.err.println("[token-demo] SKIPPING the Git LFS end-to-end scenario: 'git-lfs' is not installed");
        }
        Assumptions.assumeTrue(v.exit() == 0, "git-lfs is not installed; the Git LFS end-to-end scenario is skipped");
    }

    @Test
    void gitLfsWhenWriteTokenPushesThenReadTokenPullsButCannotPush() throws IOException {
        requireGitLfs();
        String write = secret(http.createToken("alice", "{\"name\":\"lfs-write\",\"level\":\"WRITE\"}"));
        String read = secret(http.createToken("alice", "{\"name\":\"lfs-read\",\"level\":\"READ\"}"));
        byte[] content = new byte[200_000];
        new java.util.Random(7).nextBytes(content);

        Path w = newDir("lfs-write");
        assertThat(git.withBearer(w, write, "clone", url(REPO), "repo").exit()).isZero();
        Path repo = w.resolve("repo");
        assertThat(git.anonymous(repo, "lfs", "install", "--local").exit()).isZero();
        assertThat(git.anonymous(repo, "lfs", "track", "*.bin").exit()).isZero();
        Files.write(repo.resolve("big.bin"), content);
        assertThat(git.anonymous(repo, "add", ".gitattributes", "big.bin").exit()).isZero();
        assertThat(git.anonymous(repo, "commit", "-m", "an LFS file").exit()).isZero();
        Git.Result push = git.withBearer(repo, write, "push", "origin", "HEAD:refs/heads/lfs");
        assertThat(push.exit()).as(push.output()).isZero();
        assertThat(push.output()).doesNotContain(write);

        // a READ token clones and pulls the LFS content (batch "download" is READ)
        Path r = newDir("lfs-read");
        Git.Result clone = git.withBearer(r, read, "clone", "--branch", "lfs", url(REPO), "repo");
        assertThat(clone.exit()).as(clone.output()).isZero();
        Path readRepo = r.resolve("repo");
        assertThat(git.anonymous(readRepo, "lfs", "install", "--local").exit()).isZero();
        Git.Result pull = git.withBearer(readRepo, read, "lfs", "pull");
        assertThat(pull.exit()).as(pull.output()).isZero();
        assertThat(Files.readAllBytes(readRepo.resolve("big.bin"))).isEqualTo(content);

        // ... but cannot upload (batch "upload" is WRITE): git lfs push is refused
        byte[] other = new byte[50_000];
        new java.util.Random(8).nextBytes(other);
        Files.write(readRepo.resolve("other.bin"), other);
        assertThat(git.anonymous(readRepo, "add", "other.bin").exit()).isZero();
        assertThat(git.anonymous(readRepo, "commit", "-m", "LFS with READ").exit()).isZero();
        Git.Result lfsPush = git.withBearer(readRepo, read, "lfs", "push", "origin", "lfs");
        assertThat(lfsPush.exit()).as(lfsPush.output()).isNotZero();
        assertThat(lfsPush.output()).doesNotContain(read);
        // and the WRITE token still can
        Git.Result writePush = git.withBearer(readRepo, write, "lfs", "push", "origin", "lfs");
        assertThat(writePush.exit()).as(writePush.output()).isZero();
    }
}
