package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.core.Actor;
import dev.latchkey.core.TokenFormat;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditQuery;
import dev.latchkey.spi.NoticeKind;
import dev.latchkey.spi.TokenKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /rest/latchkey/1.0/tokens/self/rotate} over real HTTP (issue 14): the demo turns self-rotation on for
 * service tokens; reuse of a rotated-away secret revokes the family. Refusals here count against the failed-attempt
 * limit of 127.0.0.1, so the class stays well under it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SelfRotationHttpTest {
    private static final String SELF = "/rest/latchkey/1.0/tokens/self/rotate";
    private static final String REPO_API = "/rest/api/1.0/projects/DEMO/repos/demo-repo";

    @TempDir
    static Path tmp;
    private DemoServer demo;
    private DemoClient http;

    @BeforeAll
    void start() throws Exception {
        demo = new DemoServer(DemoServer.Options.defaults(tmp.resolve("data")).withPort(0));
        demo.start();
        http = new DemoClient(demo.baseUri());
    }

    @AfterAll
    void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    private JsonNode serviceToken(String name) {
        DemoClient.Response r = http.send("POST", "/rest/latchkey/1.0/admin/tokens", DemoClient.basic("admin", "admin"),
                "{\"kind\":\"SERVICE\",\"name\":\"" + name + "\",\"level\":\"READ\",\"resource\":\"DEMO/demo-repo\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private DemoClient.Response rotate(String token) {
        return http.send("POST", SELF, DemoClient.bearer(token), "{}");
    }

    private int use(String token) {
        return http.get(REPO_API, DemoClient.bearer(token)).status();
    }

    private List<AuditEvent> revocations(String tokenId) {
        return demo.auditLog().query(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(tokenId), Optional.empty(), Optional.of(AuditEventType.TOKEN_REVOKED), Optional.empty(),
                0, 50)).items();
    }

    @Test
    void selfRotateWhenServiceTokenThenNewSecretOnceAsRotateAnswersAndOldStopsAtOnce() {
        JsonNode old = serviceToken("ci-rotating");
        String secret = old.get("token").asText();
        assertThat(use(secret)).isEqualTo(200);

        DemoClient.Response r = rotate(secret);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode next = r.json();
        assertThat(next.get("token").asText()).isNotEqualTo(secret).startsWith("lks_");
        assertThat(next.get("id").asText()).isNotEqualTo(old.get("id").asText());
        assertThat(next.get("name").asText()).isEqualTo("ci-rotating");
        assertThat(r.raw().headers().firstValue("Location")).hasValue("/rest/latchkey/1.0/tokens/" + next.get("id").asText());
        assertThat(r.raw().headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        // the same fields as POST /tokens/{id}/rotate answers with
        DemoClient.Response manual = http.send("POST", "/rest/latchkey/1.0/admin/tokens", DemoClient.basic("admin", "admin"),
                "{\"kind\":\"SERVICE\",\"name\":\"ci-manual\",\"level\":\"READ\",\"resource\":\"DEMO/demo-repo\"}");
        DemoClient.Response rotated = http.send("POST", "/rest/latchkey/1.0/tokens/" + manual.json().get("id").asText()
                + "/rotate", DemoClient.basic("admin", "admin"), "{}");
        assertThat(rotated.status()).isEqualTo(201);
        List<String> selfFields = new ArrayList<>();
        next.fieldNames().forEachRemaining(selfFields::add);
        List<String> rotateFields = new ArrayList<>();
        rotated.json().fieldNames().forEachRemaining(rotateFields::add);
        assertThat(selfFields).isEqualTo(rotateFields);

        assertThat(use(secret)).isEqualTo(401);
        assertThat(use(next.get("token").asText())).isEqualTo(200);
    }

    @Test
    void selfRotateWhenPolicyOffForPersonalTokensThenForbiddenAndTokenKept() {
        String personal = http.createToken("alice", "{\"name\":\"no-self\",\"level\":\"READ\"}").get("token").asText();
        DemoClient.Response r = rotate(personal);
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).contains("selfRotation").doesNotContain(personal);
        assertThat(use(personal)).isEqualTo(200);
    }

    @Test
    void selfRotateWhenNoTokenOrPasswordOrUnknownTokenThen401AndNothingChanges() {
        assertThat(rotate(TokenFormat.defaults().generate(TokenKind.SERVICE).reveal()).status()).isEqualTo(401);
        assertThat(http.send("POST", SELF, null, "{}").status()).isEqualTo(401);
        assertThat(http.send("POST", SELF, DemoClient.basic("admin", "admin"), "{}").status()).isEqualTo(401);
        // like every POST of this API: JSON only (a browser cannot send it cross-site without a preflight)
        JsonNode t = serviceToken("ci-form");
        assertThat(http.send("POST", SELF, DemoClient.bearer(t.get("token").asText()), null,
                "Content-Type", "application/x-www-form-urlencoded").status()).isEqualTo(415);
        assertThat(use(t.get("token").asText())).isEqualTo(200);
        assertThat(http.send("GET", SELF, DemoClient.bearer("x"), null).status()).isEqualTo(405);
    }

    @Test
    void selfRotateWhenRotatedAwaySecretReturnsThenFamilyRevokedAuditedAndOwnerTold() {
        demo.latchkey().policy().update(Actor.user("admin"), Map.of("selfRotation", "PERSONAL,SERVICE"));
        try {
            JsonNode first = http.createToken("alice", "{\"name\":\"ci-personal\",\"level\":\"READ\"}");
            JsonNode second = rotate(first.get("token").asText()).json();
            JsonNode third = rotate(second.get("token").asText()).json();
            String current = third.get("token").asText();
            assertThat(use(current)).isEqualTo(200);

            // a rotated-away secret is merely refused on an ordinary request
            assertThat(use(first.get("token").asText())).isEqualTo(401);
            assertThat(use(current)).isEqualTo(200);

            // on the rotate path it means somebody else holds a copy
            DemoClient.Response reuse = rotate(first.get("token").asText());
            assertThat(reuse.status()).isEqualTo(401);
            assertThat(reuse.body()).doesNotContain(first.get("token").asText());
            assertThat(use(current)).isEqualTo(401);

            String id = third.get("id").asText();
            List<AuditEvent> revoked = revocations(id);
            assertThat(revoked).hasSize(1);
            assertThat(revoked.get(0).details()).containsEntry("reason", "leaked")
                    .containsEntry("reusedTokenId", first.get("id").asText());
            assertThat(demo.notices().recent()).anySatisfy(n -> {
                assertThat(n.kind()).isEqualTo(NoticeKind.REVOKED_LEAKED);
                assertThat(n.owner()).isEqualTo("alice");
                assertThat(n.tokenId()).isEqualTo(id);
                assertThat(n.details().get("foundAt")).contains(first.get("id").asText());
            });
        } finally {
            demo.latchkey().policy().update(Actor.user("admin"), Map.of("selfRotation", "SERVICE"));
        }
    }

    @Test
    void selfRotateWhenSameSecretSentInParallelThenExactlyOneSucceeds() throws Exception {
        JsonNode old = serviceToken("ci-racing");
        String secret = old.get("token").asText();
        int n = 6;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<DemoClient.Response>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(pool.submit(() -> {
                go.await();
                return rotate(secret);
            }));
        }
        go.countDown();
        List<DemoClient.Response> won = new ArrayList<>();
        int reused = 0;
        for (Future<DemoClient.Response> c : calls) {
            DemoClient.Response r = c.get();
            if (r.status() == 201) {
                won.add(r);
            } else if (r.status() == 401) {
                reused++; // came after the winner committed: a rotated-away secret, so the family went
            } else {
                assertThat(r.status()).as(r.body()).isEqualTo(409); // lost the race to the store's atomic rotate
            }
        }
        pool.shutdownNow();
        assertThat(won).hasSize(1);
        assertThat(use(secret)).isEqualTo(401);
        assertThat(use(won.get(0).json().get("token").asText())).isEqualTo(reused == 0 ? 200 : 401);
    }
}
