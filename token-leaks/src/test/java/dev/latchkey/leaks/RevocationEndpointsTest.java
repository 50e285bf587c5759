package dev.latchkey.leaks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.core.Actor;
import dev.latchkey.core.Credential;
import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditSink;
import dev.latchkey.spi.Notice;
import dev.latchkey.spi.NoticeKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real HTTP through Jetty 12: signed GitHub reports and GitLab revocation requests, and attacks on both. */
class RevocationEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    private final List<Notice> notices = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Latchkey latchkey;
    private Server server;
    private URI base;
    private KeyPair github;
    private KeyPair stranger;
    private String gitlabSecret;

    @BeforeEach
    void start() throws Exception {
        AuditSink sink = audit::add;
        latchkey = Latchkey.builder().store(new InMemoryTokenStore())
                .directory(new InMemoryUserDirectory().add("alice", "users"))
                .initialPolicy(dev.latchkey.core.Policy.defaults().with(java.util.Map.of(
                        "useTokens", "users", "createTokens", "users", "levelGrants", "users=WRITE")))
                .auditSink(sink).notifier(notices::add).failedAttemptLimit(5, Duration.ofMinutes(1)).build();
        github = ecKeyPair();
        stranger = ecKeyPair();
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        gitlabSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);

        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.addServlet(new ServletHolder(GitHubRevocationServlet.builder(latchkey)
                .publicKey("gh-key-1", github.getPublic()).build()), "/github/revoke");
        ctx.addServlet(new ServletHolder(GitLabRevocationServlet.builder(latchkey).sharedSecret(gitlabSecret).build()),
                "/gitlab/*");
        server.setHandler(ctx);
        server.start();
        base = URI.create("http://127.0.0.1:" + c.getLocalPort());
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        latchkey.close();
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static String sign(PrivateKey key, byte[] body) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(body);
        return Base64.getEncoder().encodeToString(s.sign());
    }

    private IssuedToken token() {
        return latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build());
    }

    private boolean works(IssuedToken t) {
        return latchkey.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                RequestFacts.of("GET", "/x", "10.0.0.1")).isAllowed();
    }

    private HttpResponse<String> githubReport(String body, String keyId, String signature) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve("/github/revoke"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (keyId != null) {
            r.header("Github-Public-Key-Identifier", keyId);
        }
        if (signature != null) {
            r.header("Github-Public-Key-Signature", signature);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String githubBody(String token) {
        return "[{\"token\":\"" + token + "\",\"type\":\"latchkey_personal_token\","
                + "\"url\":\"https://github.com/octo/repo/blob/abc/ci.yml\",\"source\":\"content\"}]";
    }

    private HttpResponse<String> gitlab(String method, String path, String body, String auth) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve("/gitlab" + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            r.header("Authorization", auth);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void githubReportWhenSignedThenTokenRevokedAnsweredTruePositiveAndOwnerNotified() throws Exception {
        IssuedToken t = token();
        String body = githubBody(t.secret().reveal());
        HttpResponse<String> r = githubReport(body, "gh-key-1", sign(github.getPrivate(), body.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode a = JSON.readTree(r.body());
        assertThat(a).hasSize(1);
        assertThat(a.get(0).get("token_raw").asText()).isEqualTo(t.secret().reveal());
        assertThat(a.get(0).get("token_type").asText()).isEqualTo("latchkey_personal_token");
        assertThat(a.get(0).get("label").asText()).isEqualTo("true_positive");
        assertThat(works(t)).isFalse();
        assertThat(audit).filteredOn(e -> e.type() == AuditEventType.TOKEN_REVOKED).singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("reason", "leaked").containsEntry("reporter", "github")
                        .containsEntry("foundAt", "https://github.com/octo/repo/blob/abc/ci.yml"));
        assertThat(notices).singleElement().satisfies(n -> assertThat(n.kind()).isEqualTo(NoticeKind.REVOKED_LEAKED));
        assertThat(audit.toString()).doesNotContain(t.secret().reveal());
    }

    @Test
    void githubReportWhenRepeatedThenIdempotent() throws Exception {
        IssuedToken t = token();
        String body = githubBody(t.secret().reveal());
        String sig = sign(github.getPrivate(), body.getBytes(StandardCharsets.UTF_8));
        assertThat(githubReport(body, "gh-key-1", sig).statusCode()).isEqualTo(200);
        HttpResponse<String> again = githubReport(body, "gh-key-1", sig);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).get(0).get("label").asText()).isEqualTo("true_positive");
        assertThat(audit).filteredOn(e -> e.type() == AuditEventType.TOKEN_REVOKED).hasSize(1);
        assertThat(notices).hasSize(1);
    }

    @Test
    void githubReportWhenSignedByAnotherKeyThenRefusedAndNothingRevoked() throws Exception {
        IssuedToken t = token();
        String body = githubBody(t.secret().reveal());
        HttpResponse<String> r = githubReport(body, "gh-key-1", sign(stranger.getPrivate(), body.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(works(t)).isTrue();
        latchkey.flushAudit();
        assertThat(audit).filteredOn(e -> e.type() == AuditEventType.LEAK_REPORTED).isNotEmpty();
        assertThat(audit.toString()).doesNotContain(t.secret().reveal());
    }

    @Test
    void githubReportWhenBodyTamperedAfterSigningThenRefused() throws Exception {
        IssuedToken t = token();
        IssuedToken other = token();
        String signed = githubBody(other.secret().reveal());
        String sent = githubBody(t.secret().reveal());
        assertThat(githubReport(sent, "gh-key-1", sign(github.getPrivate(), signed.getBytes(StandardCharsets.UTF_8)))
                .statusCode()).isEqualTo(401);
        assertThat(works(t)).isTrue();
        assertThat(works(other)).isTrue();
    }

    @Test
    void githubReportWhenUnknownKeyIdOrMissingOrGarbageSignatureThenRefused() throws Exception {
        IssuedToken t = token();
        String body = githubBody(t.secret().reveal());
        String sig = sign(github.getPrivate(), body.getBytes(StandardCharsets.UTF_8));
        assertThat(githubReport(body, "other-key", sig).statusCode()).isEqualTo(401);
        assertThat(githubReport(body, null, sig).statusCode()).isEqualTo(401);
        assertThat(githubReport(body, "gh-key-1", "%%%not-base64").statusCode()).isEqualTo(401);
        assertThat(githubReport(body, "gh-key-1", Base64.getEncoder().encodeToString(new byte[70])).statusCode()).isEqualTo(401);
        assertThat(works(t)).isTrue();
    }

    @Test
    void githubReportWhenManyBadSignaturesFromOneAddressThenRateLimited() throws Exception {
        IssuedToken t = token();
        String body = githubBody(t.secret().reveal());
        int limited = 0;
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> r = githubReport(body, "gh-key-1", sign(stranger.getPrivate(), body.getBytes(StandardCharsets.UTF_8)));
            limited += r.statusCode() == 429 ? 1 : 0;
        }
        assertThat(limited).isPositive();
        // while limited, even a good signature is not processed
        HttpResponse<String> good = githubReport(body, "gh-key-1", sign(github.getPrivate(), body.getBytes(StandardCharsets.UTF_8)));
        assertThat(good.statusCode()).isEqualTo(429);
        assertThat(works(t)).isTrue();
    }

    @Test
    void githubReportWhenLookAlikeOrForeignTokenThenFalsePositiveAndNothingRevoked() throws Exception {
        IssuedToken t = token();
        String s = t.secret().reveal();
        String lookAlike = s.substring(0, s.length() - 1) + (s.endsWith("a") ? "b" : "a");
        String body = "[" + githubBody(lookAlike).substring(1, githubBody(lookAlike).length() - 1) + ","
                + "{\"token\":\"ghp_foreign\",\"type\":\"x\"}]";
        HttpResponse<String> r = githubReport(body, "gh-key-1", sign(github.getPrivate(), body.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).findValuesAsText("label")).containsExactly("false_positive", "false_positive");
        assertThat(works(t)).isTrue();
    }

    @Test
    void githubReportWhenSignedButMalformedThenBadRequestNamingTheField() throws Exception {
        String body = "[{\"type\":\"x\"}]";
        HttpResponse<String> r = githubReport(body, "gh-key-1", sign(github.getPrivate(), body.getBytes(StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("token");
    }

    @Test
    void gitlabRevokeWhenSecretRightThenRevoked204AndRepeatIdempotent() throws Exception {
        IssuedToken t = token();
        String body = "[{\"type\":\"latchkey_personal_token\",\"token\":\"" + t.secret().reveal()
                + "\",\"location\":\"https://gitlab.example/g/p/-/blob/abc/.env\"}]";
        assertThat(gitlab("POST", "/v1/revoke_tokens", body, gitlabSecret).statusCode()).isEqualTo(204);
        assertThat(works(t)).isFalse();
        assertThat(gitlab("POST", "/v1/revoke_tokens", body, "Bearer " + gitlabSecret).statusCode()).isEqualTo(204);
        assertThat(audit).filteredOn(e -> e.type() == AuditEventType.TOKEN_REVOKED).singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("reporter", "gitlab")
                        .containsEntry("foundAt", "https://gitlab.example/g/p/-/blob/abc/.env"));
    }

    @Test
    void gitlabRevokeWhenSecretWrongOrMissingThenRefusedAndNothingRevoked() throws Exception {
        IssuedToken t = token();
        String body = "[{\"type\":\"latchkey_personal_token\",\"token\":\"" + t.secret().reveal() + "\"}]";
        assertThat(gitlab("POST", "/v1/revoke_tokens", body, gitlabSecret + "x").statusCode()).isEqualTo(401);
        assertThat(gitlab("POST", "/v1/revoke_tokens", body, gitlabSecret.substring(1)).statusCode()).isEqualTo(401);
        assertThat(gitlab("POST", "/v1/revoke_tokens", body, null).statusCode()).isEqualTo(401);
        assertThat(works(t)).isTrue();
    }

    @Test
    void gitlabTypesWhenAuthorisedThenListedAndWhenNotThenRefused() throws Exception {
        HttpResponse<String> r = gitlab("GET", "/v1/revocable_token_types", null, gitlabSecret);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("types").toString()).contains("latchkey_personal_token");
        assertThat(gitlab("GET", "/v1/revocable_token_types", null, "wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void gitlabRevokeWhenBodyNotAnArrayOrHugeThenRefusedWithoutRevoking() throws Exception {
        IssuedToken t = token();
        assertThat(gitlab("POST", "/v1/revoke_tokens", "{\"token\":\"" + t.secret().reveal() + "\"}", gitlabSecret)
                .statusCode()).isEqualTo(400);
        assertThat(gitlab("POST", "/v1/revoke_tokens", "[" + "\"x\",".repeat(300_000) + "\"x\"]", gitlabSecret)
                .statusCode()).isEqualTo(413);
        assertThat(works(t)).isTrue();
    }

    @Test
    void buildersWhenMisconfiguredThenRefusedWithAdvice() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GitHubRevocationServlet.builder(latchkey).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("publicKeyPem");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GitLabRevocationServlet.builder(latchkey).sharedSecret("short"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GitHubRevocationServlet.builder(latchkey).publicKeyPem("k", "nope"))
                .isInstanceOf(IllegalArgumentException.class);
        // set once, as every Latchkey builder: a secret is never named in the message, a clock is
        String secret = "s".repeat(40);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> GitLabRevocationServlet.builder(latchkey).sharedSecret(secret).sharedSecret(secret + "x"))
                .isInstanceOf(IllegalStateException.class).hasMessage("sharedSecret was already set");
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GitHubRevocationServlet.builder(latchkey).clock(clock).clock(clock))
                .isInstanceOf(IllegalStateException.class).hasMessage("clock was already set to " + clock);
    }
}
