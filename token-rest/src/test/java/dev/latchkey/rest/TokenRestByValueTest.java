package dev.latchkey.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.TestServer;
import dev.latchkey.servlet.LatchkeyFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.NewToken;
import dev.latchkey.spi.AccessLevel;
import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 14: {@code POST /admin/tokens/identify} and {@code /admin/tokens/revoke-found} over real HTTP. */
class TokenRestByValueTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = Fixture.basic("alice", "alice-pw");
    private static final String ADMIN = Fixture.basic("admin", "admin-pw");
    private Fixture fx;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        fx = new Fixture();
        server = TestServer.builder().filter(LatchkeyFilter.builder(fx.latchkey).build())
                .rest(TokenRestServlet.builder(fx.latchkey).build()).hostUsers(Fixture.PASSWORDS).start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        fx.close();
    }

    private HttpResponse<String> post(String path, String json, String auth) throws Exception {
        URI uri = server.base().resolve("/rest/latchkey/1.0" + path);
        return fx.send("POST", uri, json, "Authorization", auth);
    }

    private IssuedToken token() {
        return fx.issue("alice", NewToken.builder("ci", AccessLevel.READ).build());
    }

    @Test
    void identifyWhenManagerThenRecordWithoutSecretAndWhenUnknownThen404() throws Exception {
        IssuedToken t = token();
        HttpResponse<String> r = post("/admin/tokens/identify", "{\"token\":\"" + t.secret().reveal() + "\"}", ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.get("id").asText()).isEqualTo(t.record().id());
        assertThat(r.body()).doesNotContain(t.secret().reveal());
        String s = t.secret().reveal();
        String lookAlike = s.substring(0, s.length() - 1) + (s.endsWith("a") ? "b" : "a");
        HttpResponse<String> missing = post("/admin/tokens/identify", "{\"token\":\"" + lookAlike + "\"}", ADMIN);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).doesNotContain(lookAlike);
    }

    @Test
    void identifyAndRevokeFoundWhenNotManagerThen403AndNothingRevoked() throws Exception {
        IssuedToken t = token();
        assertThat(post("/admin/tokens/identify", "{\"token\":\"" + t.secret().reveal() + "\"}", ALICE).statusCode()).isEqualTo(403);
        assertThat(post("/admin/tokens/revoke-found", "{\"token\":\"" + t.secret().reveal() + "\",\"foundAt\":\"x\"}", ALICE)
                .statusCode()).isEqualTo(403);
        assertThat(fx.latchkey.tokens().get(dev.latchkey.core.Actor.user("alice"), t.record().id()).revocation()).isEmpty();
    }

    @Test
    void revokeFoundWhenManagerThenRevokedAsLeakedAndWhenFieldMissingThen400NamingIt() throws Exception {
        IssuedToken t = token();
        assertThat(post("/admin/tokens/revoke-found", "{\"token\":\"" + t.secret().reveal() + "\"}", ADMIN).body())
                .contains("foundAt");
        assertThat(post("/admin/tokens/revoke-found", "{\"token\":\"" + t.secret().reveal() + "\",\"extra\":1,\"foundAt\":\"x\"}",
                ADMIN).statusCode()).isEqualTo(400);
        HttpResponse<String> r = post("/admin/tokens/revoke-found",
                "{\"token\":\"" + t.secret().reveal() + "\",\"foundAt\":\"https://paste.example/1\"}", ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("state").asText()).isEqualTo("REVOKED");
        assertThat(fx.latchkey.tokens().get(dev.latchkey.core.Actor.user("admin"), t.record().id()).revocation())
                .hasValueSatisfying(v -> assertThat(v.reason()).isEqualTo("leaked"));
    }
}
