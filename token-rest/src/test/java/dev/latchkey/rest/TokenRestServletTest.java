package dev.latchkey.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.TestServer;
import dev.latchkey.servlet.LatchkeyFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.core.Actor;
import dev.latchkey.spi.AccessLevel;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The token REST API over real HTTP, behind the filter and the fake host authentication. */
class TokenRestServletTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = Fixture.basic("alice", "alice-pw");
    private static final String BOB = Fixture.basic("bob", "bob-pw");
    private static final String ADMIN = Fixture.basic("admin", "admin-pw");
    private static final List<String> RECORD_FIELDS = List.of("id", "name", "kind", "owner", "createdBy", "createdAt",
            "expiresAt", "revokedAt", "revokedBy", "lastUsedAt", "lastUsedIp", "level", "resources", "allowedCidrs",
            "hint", "state");

    private Fixture fx;
    private TestServer server;

    private void start(boolean withAuditLog) throws Exception {
        start(new Fixture(), withAuditLog);
    }

    private void start(Fixture fixture, boolean withAuditLog) throws Exception {
        fx = fixture;
        TokenRestServlet.Builder rest = TokenRestServlet.builder(fx.latchkey);
        if (withAuditLog) {
            rest.auditLog(fx.audit);
        }
        server = TestServer.builder().filter(LatchkeyFilter.builder(fx.latchkey).build()).rest(rest.build())
                .hostUsers(Fixture.PASSWORDS).start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    private URI api(String path) {
        return server.base().resolve("/rest/latchkey/1.0" + path);
    }

    private HttpResponse<String> call(String method, String path, String json, String auth) throws Exception {
        return auth == null ? fx.send(method, api(path), json) : fx.send(method, api(path), json, "Authorization", auth);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static void assertError(HttpResponse<String> r, int status, String code, String field) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode n = json(r);
        assertThat(n.path("error").asText()).isEqualTo(code);
        assertThat(n.path("message").asText()).isNotBlank();
        if (field != null) {
            assertThat(n.path("field").asText()).isEqualTo(field);
        }
    }

    @Test
    void createWhenOwnTokenThen201WithSecretShownOnceAndDocumentedShape() throws Exception {
        start(false);
        HttpResponse<String> r = call("POST", "/tokens", "{\"name\":\"ci\",\"level\":\"READ\",\"expiresInDays\":30,"
                + "\"allowedCidrs\":[\"127.0.0.1/32\"],\"resources\":[\"proj/Repo\"]}", ALICE);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode n = json(r);
        List<String> expected = new ArrayList<>(RECORD_FIELDS);
        expected.add("token");
        assertThat(fields(n)).containsExactlyElementsOf(expected);
        assertThat(n.get("owner").asText()).isEqualTo("alice");
        assertThat(n.get("kind").asText()).isEqualTo("PERSONAL");
        assertThat(n.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(n.get("resources").get(0).asText()).isEqualTo("PROJ/repo");
        assertThat(n.get("revokedAt").isNull()).isTrue();
        assertThat(n.get("expiresAt").asText()).endsWith("Z");
        String id = n.get("id").asText();
        String secret = n.get("token").asText();
        assertThat(r.headers().firstValue("Location")).contains("/rest/latchkey/1.0/tokens/" + id);
        assertThat(r.body()).doesNotContain("digest");

        HttpResponse<String> again = call("GET", "/tokens/" + id, null, ALICE);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(fields(json(again))).containsExactlyElementsOf(RECORD_FIELDS);
        assertThat(again.body()).doesNotContain(secret);

        // the token works on its resource and not elsewhere
        assertThat(fx.get(server.base().resolve("/rest/api/1.0/projects/PROJ/repos/repo"), "Authorization",
                "Bearer " + secret).statusCode()).isEqualTo(200);
        assertThat(fx.get(server.base().resolve("/rest/api/1.0/projects/OTHER/repos/repo"), "Authorization",
                "Bearer " + secret).statusCode()).isEqualTo(403);
    }

    @Test
    void listOwnWhenSeveralTokensThenPagedNewestFirst() throws Exception {
        start(false);
        for (int i = 0; i < 3; i++) {
            assertThat(call("POST", "/tokens", "{\"name\":\"t" + i + "\",\"level\":\"READ\"}", ALICE).statusCode()).isEqualTo(201);
        }
        call("POST", "/tokens", "{\"name\":\"bobs\",\"level\":\"READ\"}", BOB);
        HttpResponse<String> r = call("GET", "/tokens?page=0&size=2", null, ALICE);
        JsonNode n = json(r);
        assertThat(fields(n)).containsExactly("items", "page", "size", "total");
        assertThat(n.get("total").asLong()).isEqualTo(3);
        assertThat(n.get("items")).hasSize(2);
        assertThat(json(call("GET", "/tokens?page=1&size=2", null, ALICE)).get("items")).hasSize(1);
        assertError(call("GET", "/tokens?size=0", null, ALICE), 400, "invalid_request", "size");
        assertError(call("GET", "/tokens?size=1001", null, ALICE), 400, "invalid_request", "size");
        assertError(call("GET", "/tokens?page=-1", null, ALICE), 400, "invalid_request", "page");
        assertError(call("GET", "/tokens?page=x", null, ALICE), 400, "invalid_request", "page");
        assertError(call("GET", "/tokens?sise=1", null, ALICE), 400, "invalid_request", "sise");
        assertError(call("GET", "/tokens?size=1&size=2", null, ALICE), 400, "invalid_request", "size");
    }

    @Test
    void createWhenHostileOrInvalidBodyThen4xxNamingTheField() throws Exception {
        start(false);
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\",\"owner\":\"bob\"}", ALICE), 400,
                "invalid_request", "owner");
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"SUPER\"}", ALICE), 400, "invalid_request", "level");
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"read\"}", ALICE), 400, "invalid_request", "level");
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":3}", ALICE), 400, "invalid_request", "level");
        assertError(call("POST", "/tokens", "{\"level\":\"READ\"}", ALICE), 400, "invalid_request", "name");
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\",\"expiresAt\":\"tomorrow\"}", ALICE),
                400, "invalid_request", "expiresAt");
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\",\"expiresAt\":\"2999-01-01T00:00:00Z\"}",
                ALICE), 400, "invalid_request", "expiresAt");
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\",\"expiresInDays\":0}", ALICE),
                400, "invalid_request", "expiresInDays");
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\",\"expiresInDays\":1.5}", ALICE),
                400, "invalid_request", "expiresInDays");
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\",\"expiresInDays\":5,"
                + "\"expiresAt\":\"2030-01-01T00:00:00Z\"}", ALICE), 400, "invalid_request", "expiresAt");
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\",\"allowedCidrs\":[\"10.0.0.0/33\"]}",
                ALICE), 400, "invalid_request", "allowedCidrs");
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\",\"allowedCidrs\":\"10.0.0.0/8\"}",
                ALICE), 400, "invalid_request", "allowedCidrs");
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\",\"resources\":[\"not a key!\"]}",
                ALICE), 400, "invalid_request", "resources");
        assertError(call("POST", "/tokens", "{\"name\":\"a\u0001b\",\"level\":\"READ\"}", ALICE), 400, "invalid_request", null);
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"name\":\"y\",\"level\":\"READ\"}", ALICE), 400,
                "invalid_request", "body");
        assertError(call("POST", "/tokens", "{\"name\":", ALICE), 400, "invalid_request", "body");
        assertError(call("POST", "/tokens", "[1,2]", ALICE), 400, "invalid_request", "body");
        assertError(call("POST", "/tokens", "", ALICE), 400, "invalid_request", "body");
        assertError(call("POST", "/tokens", "{\"name\":\"" + "x".repeat(70_000) + "\",\"level\":\"READ\"}", ALICE),
                413, "payload_too_large", null);
        HttpResponse<String> form = fx.send("POST", api("/tokens"), null, "Authorization", ALICE,
                "Content-Type", "application/x-www-form-urlencoded");
        assertError(form, 415, "unsupported_media_type", null);
        // WRITE is the most alice's groups may grant
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"ADMIN\"}", ALICE), 403, "forbidden", null);
    }

    /**
     * CI under load once saw "header parser received no bytes" instead of the 413: the servlet answered without
     * reading the body, the container closed the connection, and the client still sending met a reset. The 413 now
     * comes after the rest of the body (up to 1 MiB) is read and dropped: 24 clients at once, declared and chunked
     * bodies over the limit, each get the JSON error.
     */
    @Test
    void createWhenOversizedBodiesArriveTogetherThenEachClientReadsThe413() throws Exception {
        start(false);
        byte[] big = ("{\"name\":\"" + "x".repeat(300_000) + "\",\"level\":\"READ\"}").getBytes(StandardCharsets.UTF_8);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(24);
        try {
            List<java.util.concurrent.Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                boolean chunked = i % 2 == 1;
                answers.add(pool.submit(() -> http.send(java.net.http.HttpRequest.newBuilder(api("/tokens"))
                        .timeout(java.time.Duration.ofSeconds(20)).header("Authorization", ALICE)
                        .header("Content-Type", "application/json")
                        .POST(chunked ? java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                                () -> new java.io.ByteArrayInputStream(big))
                                : java.net.http.HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                        HttpResponse.BodyHandlers.ofString())));
            }
            for (java.util.concurrent.Future<HttpResponse<String>> a : answers) {
                assertError(a.get(30, java.util.concurrent.TimeUnit.SECONDS), 413, "payload_too_large", null);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void meWhenSignedInThenCapabilitiesFromGroupsAndPolicy() throws Exception {
        start(false);
        HttpResponse<String> a = call("GET", "/me", null, ALICE);
        assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
        assertThat(a.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode alice = json(a);
        assertThat(fields(alice)).containsExactly("user", "useTokens", "createTokens", "maxLevel", "manageTokens",
                "administerPolicy");
        assertThat(alice.get("user").asText()).isEqualTo("alice");
        assertThat(alice.get("maxLevel").asText()).isEqualTo("WRITE");
        assertThat(alice.get("manageTokens").asBoolean()).isFalse();
        assertThat(alice.get("administerPolicy").asBoolean()).isFalse();
        JsonNode admin = json(call("GET", "/me", null, ADMIN));
        assertThat(admin.get("maxLevel").asText()).isEqualTo("ADMIN");
        assertThat(admin.get("manageTokens").asBoolean()).isTrue();
        assertThat(admin.get("administerPolicy").asBoolean()).isTrue();
    }

    @Test
    void meWhenAnonymousOrHostileRequestThenRefused() throws Exception {
        start(false);
        assertError(call("GET", "/me", null, null), 401, "unauthenticated", null);
        assertError(call("GET", "/me?user=admin", null, ALICE), 400, "invalid_request", "user");
        assertError(call("POST", "/me", "{}", ALICE), 405, "method_not_allowed", null);
    }

    @Test
    void requestWhenNotSignedInThen401Json() throws Exception {
        start(false);
        assertError(call("GET", "/tokens", null, null), 401, "unauthenticated", null);
    }

    @Test
    void patchWhenOwnTokenThenChangedWithinGrant() throws Exception {
        start(false);
        String id = json(call("POST", "/tokens", "{\"name\":\"ci\",\"level\":\"READ\"}", ALICE)).get("id").asText();
        HttpResponse<String> r = call("PATCH", "/tokens/" + id, "{\"name\":\"ci-2\",\"level\":\"WRITE\","
                + "\"allowedCidrs\":[\"10.0.0.0/8\"]}", ALICE);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode n = json(r);
        assertThat(n.get("name").asText()).isEqualTo("ci-2");
        assertThat(n.get("level").asText()).isEqualTo("WRITE");
        assertThat(n.get("allowedCidrs").get(0).asText()).isEqualTo("10.0.0.0/8");
        assertError(call("PATCH", "/tokens/" + id, "{\"level\":\"ADMIN\"}", ALICE), 403, "forbidden", null);
        assertError(call("PATCH", "/tokens/" + id, "{\"owner\":\"bob\"}", ALICE), 400, "invalid_request", "owner");
        assertError(call("PATCH", "/tokens/" + id, "{\"name\":\"x\"}", BOB), 404, "not_found", null);
    }

    @Test
    void deleteWhenOwnTokenThen204AndTheTokenStopsWorkingAtOnce() throws Exception {
        start(false);
        JsonNode created = json(call("POST", "/tokens", "{\"name\":\"ci\",\"level\":\"READ\"}", ALICE));
        String id = created.get("id").asText();
        String secret = created.get("token").asText();
        assertThat(fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + secret).statusCode()).isEqualTo(200);
        assertError(call("DELETE", "/tokens/" + id, null, BOB), 404, "not_found", null);
        HttpResponse<String> r = call("DELETE", "/tokens/" + id + "?reason=leaked", null, ALICE);
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
        assertThat(fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + secret).statusCode()).isEqualTo(401);
        assertThat(call("DELETE", "/tokens/" + id, null, ALICE).statusCode()).isEqualTo(204);
        JsonNode n = json(call("GET", "/tokens/" + id, null, ALICE));
        assertThat(n.get("state").asText()).isEqualTo("REVOKED");
        assertThat(n.get("revokedBy").asText()).isEqualTo("alice");
        assertError(call("PATCH", "/tokens/" + id, "{\"name\":\"y\"}", ALICE), 409, "conflict", null);
        assertError(call("GET", "/tokens/nosuchtoken", null, ALICE), 404, "not_found", null);
    }

    @Test
    void rotateWhenActiveThen201WithNewSecretAndOldRevoked() throws Exception {
        start(false);
        JsonNode created = json(call("POST", "/tokens", "{\"name\":\"ci\",\"level\":\"READ\"}", ALICE));
        String id = created.get("id").asText();
        HttpResponse<String> r = call("POST", "/tokens/" + id + "/rotate", "", ALICE);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode fresh = json(r);
        assertThat(fresh.get("id").asText()).isNotEqualTo(id);
        assertThat(fresh.get("token").asText()).isNotEqualTo(created.get("token").asText());
        assertThat(fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + created.get("token").asText())
                .statusCode()).isEqualTo(401);
        assertThat(fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + fresh.get("token").asText())
                .statusCode()).isEqualTo(200);
        assertError(call("POST", "/tokens/" + id + "/rotate", "", ALICE), 409, "conflict", null);
        assertError(fx.send("POST", api("/tokens/" + fresh.get("id").asText() + "/rotate"), null, "Authorization", ALICE),
                415, "unsupported_media_type", null);
    }

    @Test
    void manageWhenAuthenticatedByTokenThenRefusedUnlessPolicyAllows() throws Exception {
        start(false);
        String read = fx.token("alice", AccessLevel.READ);
        String write = fx.token("alice", AccessLevel.WRITE);
        assertError(call("GET", "/tokens", null, "Bearer " + read), 403, "forbidden", null);
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\"}", "Bearer " + write), 403, "forbidden", null);
        // a READ token cannot even reach the endpoint with a POST: the filter refuses the scope
        assertError(call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\"}", "Bearer " + read), 403,
                "insufficient_scope", null);
        fx.latchkey.policy().update(Actor.user("admin"), Map.of("tokensMayManageTokens", "true"));
        assertThat(call("GET", "/tokens", null, "Bearer " + read).statusCode()).isEqualTo(200);
        HttpResponse<String> created = call("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\"}", "Bearer " + write);
        assertThat(created.statusCode()).isEqualTo(201);
    }

    @Test
    void adminTokensWhenManagerThenFiltersSortsAndPages() throws Exception {
        start(false);
        call("POST", "/tokens", "{\"name\":\"alpha\",\"level\":\"READ\"}", ALICE);
        call("POST", "/tokens", "{\"name\":\"beta\",\"level\":\"READ\"}", ALICE);
        call("POST", "/tokens", "{\"name\":\"gamma\",\"level\":\"READ\"}", BOB);
        JsonNode all = json(call("GET", "/admin/tokens?sort=name", null, ADMIN));
        assertThat(all.get("total").asLong()).isEqualTo(3);
        assertThat(all.get("items").get(0).get("name").asText()).isEqualTo("alpha");
        JsonNode desc = json(call("GET", "/admin/tokens?sort=-name&size=1", null, ADMIN));
        assertThat(desc.get("items").get(0).get("name").asText()).isEqualTo("gamma");
        assertThat(desc.get("size").asInt()).isEqualTo(1);
        assertThat(json(call("GET", "/admin/tokens?owner=alice", null, ADMIN)).get("total").asLong()).isEqualTo(2);
        assertThat(json(call("GET", "/admin/tokens?q=ET", null, ADMIN)).get("total").asLong()).isEqualTo(1);
        assertThat(json(call("GET", "/admin/tokens?kind=PERSONAL&state=ACTIVE&neverUsed=true"
                + "&createdAfter=2000-01-01&createdBefore=2999-01-01T00:00:00Z&expiresBefore=2999-01-01", null, ADMIN))
                .get("total").asLong()).isEqualTo(3);
        assertError(call("GET", "/admin/tokens?sort=digest", null, ADMIN), 400, "invalid_request", "sort");
        assertError(call("GET", "/admin/tokens?kind=ROBOT", null, ADMIN), 400, "invalid_request", "kind");
        assertError(call("GET", "/admin/tokens?state=x", null, ADMIN), 400, "invalid_request", "state");
        assertError(call("GET", "/admin/tokens?neverUsed=yes", null, ADMIN), 400, "invalid_request", "neverUsed");
        assertError(call("GET", "/admin/tokens?lastUsedBefore=yesterday", null, ADMIN), 400, "invalid_request", "lastUsedBefore");
        assertError(call("GET", "/admin/tokens?owner=" + "x".repeat(300), null, ADMIN), 400, "invalid_request", null);
        assertError(call("GET", "/admin/tokens?digest=abc", null, ADMIN), 400, "invalid_request", "digest");
        assertError(call("GET", "/admin/tokens", null, ALICE), 403, "forbidden", null);
    }

    @Test
    void adminCreateWhenOnBehalfOrServiceThenCreatedForThatPrincipal() throws Exception {
        start(false);
        HttpResponse<String> r = call("POST", "/admin/tokens", "{\"owner\":\"bob\",\"name\":\"for-bob\",\"level\":\"READ\"}", ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(json(r).get("owner").asText()).isEqualTo("bob");
        assertThat(json(r).get("createdBy").asText()).isEqualTo("admin");
        HttpResponse<String> s = call("POST", "/admin/tokens", "{\"name\":\"ci-bot\",\"level\":\"READ\",\"resource\":\"PROJ/repo\"}", ADMIN);
        assertThat(s.statusCode()).as(s.body()).isEqualTo(201);
        JsonNode svc = json(s);
        assertThat(svc.get("kind").asText()).isEqualTo("SERVICE");
        assertThat(svc.get("owner").asText()).isEqualTo("service:ci-bot");
        assertThat(fx.get(server.base().resolve("/rest/api/1.0/projects/PROJ/repos/repo"), "Authorization",
                Fixture.basic("x-token-auth", svc.get("token").asText())).body()).contains("remoteUser=service:ci-bot");
        assertError(call("POST", "/admin/tokens", "{\"name\":\"x\",\"level\":\"READ\",\"kind\":\"SERVICE\"}", ADMIN),
                400, "invalid_request", "resource");
        assertError(call("POST", "/admin/tokens", "{\"owner\":\"nobody\",\"name\":\"x\",\"level\":\"READ\"}", ADMIN),
                400, "invalid_request", "owner");
        assertError(call("POST", "/admin/tokens", "{\"owner\":\"bob\",\"name\":\"x\",\"level\":\"READ\"}", ALICE),
                403, "forbidden", null);
        assertError(call("POST", "/admin/tokens", "{\"name\":\"ci-bot\",\"level\":\"READ\",\"resource\":\"PROJ\"}", ADMIN),
                409, "conflict", null);
    }

    @Test
    void adminRevokeWhenFiltersThenCountedAndEmptyFilterNeedsAll() throws Exception {
        start(false);
        call("POST", "/tokens", "{\"name\":\"a\",\"level\":\"READ\"}", ALICE);
        call("POST", "/tokens", "{\"name\":\"b\",\"level\":\"READ\"}", ALICE);
        String bobs = json(call("POST", "/tokens", "{\"name\":\"c\",\"level\":\"READ\"}", BOB)).get("id").asText();
        assertError(call("POST", "/admin/tokens/revoke", "{}", ADMIN), 400, "invalid_request", "all");
        assertError(call("POST", "/admin/tokens/revoke", "{\"sort\":\"name\"}", ADMIN), 400, "invalid_request", "sort");
        assertError(call("POST", "/admin/tokens/revoke", "{\"owner\":\"alice\"}", ALICE), 403, "forbidden", null);
        HttpResponse<String> r = call("POST", "/admin/tokens/revoke", "{\"owner\":\"alice\",\"reason\":\"offboarding\"}", ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).get("revoked").asInt()).isEqualTo(2);
        assertThat(call("DELETE", "/admin/tokens/" + bobs, null, ADMIN).statusCode()).isEqualTo(204);
        assertThat(json(call("GET", "/admin/tokens?state=REVOKED", null, ADMIN)).get("total").asLong()).isEqualTo(3);
        assertThat(json(call("POST", "/admin/tokens/revoke", "{\"all\":true}", ADMIN)).get("revoked").asInt()).isZero();
    }

    @Test
    void adminRevokeWhenFilterRestrictsNothingThen400AndNothingRevoked() throws Exception {
        start(false);
        call("POST", "/tokens", "{\"name\":\"a\",\"level\":\"READ\"}", ALICE);
        call("POST", "/tokens", "{\"name\":\"b\",\"level\":\"READ\"}", BOB);
        // the review's reproductions: each revoked every token without {"all": true}
        assertError(call("POST", "/admin/tokens/revoke", "{\"q\":\"\"}", ADMIN), 400, "invalid_request", "q");
        assertError(call("POST", "/admin/tokens/revoke", "{\"neverUsed\":false}", ADMIN), 400, "invalid_request",
                "neverUsed");
        assertError(call("POST", "/admin/tokens/revoke", "{\"q\":\"\",\"neverUsed\":false,\"reason\":\"x\"}", ADMIN),
                400, "invalid_request", null);
        assertError(call("GET", "/admin/tokens?q=", null, ADMIN), 400, "invalid_request", "q");
        assertError(call("GET", "/admin/tokens?neverUsed=false", null, ADMIN), 400, "invalid_request", "neverUsed");
        assertThat(json(call("GET", "/admin/tokens?state=ACTIVE", null, ADMIN)).get("total").asLong()).isEqualTo(2);
        // neverUsed:true still restricts
        assertThat(json(call("POST", "/admin/tokens/revoke", "{\"owner\":\"bob\",\"neverUsed\":true}", ADMIN))
                .get("revoked").asInt()).isEqualTo(1);
    }

    /** One raw HTTP/1.1 request: java.net.URI refuses to even build the malformed URLs attackers send. */
    private String raw(String requestLine, String... headers) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(server.base().getHost(), server.base().getPort())) {
            socket.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(requestLine).append("\r\nHost: localhost\r\nConnection: close\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            socket.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void requestWhenQueryStringMalformedThen400InvalidRequestWithOneShortLine() throws Exception {
        start(false);
        for (String target : new String[] {"/tokens?%", "/tokens?a=%zz", "/tokens?size=%ff", "/tokens?%e2%82",
                "/admin/tokens?q=%", "/tokens?%%%"}) {
            for (String auth : new String[] {null, ALICE}) {
                String answer = auth == null ? raw("GET /rest/latchkey/1.0" + target + " HTTP/1.1")
                        : raw("GET /rest/latchkey/1.0" + target + " HTTP/1.1", "Authorization", auth);
                assertThat(answer).as(target).startsWith("HTTP/1.1 400");
                String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                assertThat(body).as(target).doesNotContain("Exception").doesNotContain("\tat ")
                        .contains("invalid_request");
                assertThat(body.lines().count()).as(target).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void policyWhenAdministratorThenReadAndChangedOthersRefused() throws Exception {
        start(false);
        HttpResponse<String> g = call("GET", "/admin/policy", null, ADMIN);
        assertThat(g.statusCode()).isEqualTo(200);
        assertThat(json(g).get("maxLifetime").asText()).isEqualTo("PT8760H");
        HttpResponse<String> p = call("PUT", "/admin/policy", "{\"maxTokensPerUser\":5,\"tokensMayManageTokens\":false,"
                + "\"globalAllowedCidrs\":[\"10.0.0.0/8\",\"127.0.0.0/8\"]}", ADMIN);
        assertThat(p.statusCode()).as(p.body()).isEqualTo(200);
        assertThat(json(p).get("maxTokensPerUser").asText()).isEqualTo("5");
        assertThat(fx.latchkey.policy().current().globalAllowedCidrs()).containsExactly("10.0.0.0/8", "127.0.0.0/8");
        assertError(call("PUT", "/admin/policy", "{\"maxTokensPerUsr\":5}", ADMIN), 400, "invalid_request", "maxTokensPerUsr");
        assertError(call("PUT", "/admin/policy", "{\"maxLifetime\":\"forever\"}", ADMIN), 400, "invalid_request", "maxLifetime");
        assertError(call("GET", "/admin/policy", null, ALICE), 403, "forbidden", null);
        assertError(call("PUT", "/admin/policy", "{\"maxTokensPerUser\":5}", ALICE), 403, "forbidden", null);
    }

    @Test
    void auditWhenAuditLogConfiguredThenFilteredPages() throws Exception {
        start(true);
        call("POST", "/tokens", "{\"name\":\"a\",\"level\":\"READ\"}", ALICE);
        fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + Fixture.foreignToken());
        fx.latchkey.flushAudit(); // refusals are audited off the request thread, per window
        HttpResponse<String> r = call("GET", "/admin/audit?type=TOKEN_CREATED&actor=alice", null, ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode n = json(r);
        assertThat(n.get("total").asLong()).isEqualTo(1);
        assertThat(fields(n.get("items").get(0))).containsExactly("type", "at", "actor", "tokenId", "tokenOwner",
                "clientIp", "outcome", "reason", "details");
        assertThat(n.get("items").get(0).get("clientIp").asText()).isEqualTo("127.0.0.1");
        assertThat(json(call("GET", "/admin/audit?outcome=FAILURE", null, ADMIN)).get("items").get(0).get("reason")
                .asText()).isEqualTo("UNKNOWN");
        assertError(call("GET", "/admin/audit?type=NOPE", null, ADMIN), 400, "invalid_request", "type");
        assertError(call("GET", "/admin/audit?from=x", null, ADMIN), 400, "invalid_request", "from");
        assertError(call("GET", "/admin/audit", null, ALICE), 403, "forbidden", null);
    }

    @Test
    void auditWhenNoAuditLogThen501() throws Exception {
        start(new Fixture(Map.of(), false), false);
        assertError(call("GET", "/admin/audit", null, ADMIN), 501, "not_implemented", null);
    }

    @Test
    void auditWhenEngineSinkIsAnAuditLogThenServedWithoutConfiguration() throws Exception {
        start(false);
        fx.token("alice", AccessLevel.READ);
        var r = call("GET", "/admin/audit?type=TOKEN_CREATED", null, ADMIN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("total").asLong()).isEqualTo(1);
    }

    @Test
    void requestWhenStoreUnavailableThen503() throws Exception {
        start(false);
        fx.store.down = true;
        assertError(call("GET", "/tokens", null, ALICE), 503, "temporarily_unavailable", null);
        assertError(call("POST", "/tokens", "{\"name\":\"a\",\"level\":\"READ\"}", ALICE), 503, "temporarily_unavailable", null);
    }

    @Test
    void requestWhenUnknownPathOrMethodThen404Or405() throws Exception {
        start(false);
        assertError(call("GET", "/nothing", null, ALICE), 404, "not_found", null);
        assertError(call("GET", "/admin/tokens/a/b", null, ADMIN), 404, "not_found", null);
        HttpResponse<String> r = call("PUT", "/tokens", "{}", ALICE);
        assertError(r, 405, "method_not_allowed", null);
        assertThat(r.headers().firstValue("Allow")).contains("GET, POST");
    }
}
