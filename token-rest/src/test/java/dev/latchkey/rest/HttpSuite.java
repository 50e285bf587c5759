package dev.latchkey.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.EchoServlet;
import dev.latchkey.servlet.testing.HostAuthFilter;
import dev.latchkey.servlet.LatchkeyAttributes;
import dev.latchkey.servlet.LatchkeyFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.core.Actor;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.NewToken;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEventType;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One HTTP-level suite for every servlet environment Latchkey supports (issue 15): the filter's decisions, the
 * token REST API (create, list, revoke), the client address behind a trusted proxy, and disabled passwords.
 *
 * <p>It knows no servlet API: it talks HTTP with the JDK's client and configures the host the way a
 * {@code web.xml} (or a Bitbucket plugin descriptor) does, with init-params and servlet-context attributes. A
 * launcher per environment maps that onto its container: {@code HttpSuiteEe10Test} (Jetty 12 ee10, Jakarta
 * Servlet 6, token-servlet and token-rest) and, in token-rest-javax, {@code HttpSuiteEe8Test} (Jetty 12 ee8, javax.servlet
 * 4.0), where this very source is compiled again after the Eclipse Transformer's rename.
 */
abstract class HttpSuite {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REST = "/rest/latchkey/1.0";

    /** A running host; {@link #base()} is its {@code http://127.0.0.1:port} address. */
    interface Host extends AutoCloseable {
        URI base();
    }

    /**
     * Starts a host on 127.0.0.1 with an ephemeral port: the servlet-context attributes {@code attributes}; the
     * {@link LatchkeyFilter} on {@code /*} (REQUEST dispatch), declared by class name with {@code filterParams}
     * as its init-params; after it, the host's own password check {@code HostAuthFilter} with
     * {@code passwords}; the {@link TokenRestServlet} on {@value #REST}{@code /*}, declared by class name with
     * {@code restParams}; and {@code EchoServlet} on {@code /*}.
     */
    protected abstract Host start(Map<String, Object> attributes, Map<String, String> filterParams,
                                  Map<String, String> restParams, Map<String, String> passwords) throws Exception;

    private Fixture fx;
    private Host host;

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    private void start(Map<String, String> filterParams, Map<String, String> restParams) throws Exception {
        fx = new Fixture();
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(LatchkeyAttributes.LATCHKEY, fx.latchkey);
        attributes.put(LatchkeyAttributes.AUDIT_SINK, fx.audit);
        attributes.put(LatchkeyAttributes.USER_DIRECTORY, fx.directory);
        host = start(attributes, filterParams, restParams, Fixture.PASSWORDS);
    }

    private URI uri(String pathAndQuery) {
        return host.base().resolve(pathAndQuery);
    }

    private HttpResponse<String> get(String path, String authorization, String... more) throws Exception {
        String[] headers = new String[more.length + 2];
        headers[0] = "Authorization";
        headers[1] = authorization;
        System.arraycopy(more, 0, headers, 2, more.length);
        return fx.get(uri(path), headers);
    }

    private HttpResponse<String> rest(String method, String path, String json, String authorization) throws Exception {
        return fx.send(method, uri(REST + path), json, "Authorization", authorization);
    }

    // ---- the filter's decisions

    @Test
    void filterWhenNoCredentialThenHostServesTheRequestUntouched() throws Exception {
        start(Map.of(), Map.of());
        HttpResponse<String> r = fx.get(uri("/app/page"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=null", "authType=null", "tokenId=null", "path=/app/page");
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void filterWhenBearerTokenThenHostSeesItsOwnerWithoutASession() throws Exception {
        start(Map.of(), Map.of());
        IssuedToken issued = fx.issue("alice", NewToken.builder("ci", AccessLevel.READ).build());
        HttpResponse<String> r = get("/rest/api/1.0/projects/PROJ/repos/r", "Bearer " + issued.secret().reveal());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=alice", "principal=alice", "authType=Bearer",
                "tokenId=" + issued.record().id(), "tokenKind=PERSONAL", "tokenLevel=READ", "clientIp=127.0.0.1",
                "session=false");
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void filterWhenTokenIsTheBasicPasswordThenOwnerOnlyAndAuthTypeBasic() throws Exception {
        start(Map.of(), Map.of());
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = get("/x", Fixture.basic("alice", token));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=alice", "authType=BASIC").doesNotContain("tokenId=null");
        // another user's name with alice's token: refused by Latchkey, never shown to the host's password check
        HttpResponse<String> other = get("/x", Fixture.basic("bob", token));
        assertThat(other.statusCode()).isEqualTo(401);
        assertThat(other.body()).contains("\"error\":\"invalid_token\"").doesNotContain("host:");
    }

    @Test
    void filterWhenUnknownOrRevokedTokenThen401WithBothChallengesAndNoSecretEchoed() throws Exception {
        start(Map.of(), Map.of());
        IssuedToken issued = fx.issue("alice", NewToken.builder("gone", AccessLevel.READ).build());
        String secret = issued.secret().reveal();
        fx.latchkey.tokens().revoke(Actor.user("alice"), issued.record().id(), "suite");
        for (String presented : List.of(secret, "lkp_notAToken")) {
            HttpResponse<String> r = get("/x", "Bearer " + presented);
            assertThat(r.statusCode()).as(presented.equals(secret) ? "revoked" : "garbage").isEqualTo(401);
            assertThat(r.headers().allValues("WWW-Authenticate"))
                    .anySatisfy(v -> assertThat(v).startsWith("Bearer realm=").contains("error=\"invalid_token\""))
                    .anySatisfy(v -> assertThat(v).startsWith("Basic realm="));
            assertThat(r.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(r.body()).startsWith("{\"error\":\"invalid_token\"").doesNotContain(presented);
        }
        fx.latchkey.flushAudit();
        assertThat(fx.audit.events()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.AUTHENTICATION_REFUSED);
            assertThat(e.reason()).hasValueSatisfying(reason -> assertThat(reason).contains("REVOKED"));
        });
    }

    @Test
    void filterWhenReadTokenWritesThen403InsufficientScopeAndHostNeverRuns() throws Exception {
        start(Map.of(), Map.of());
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = fx.send("POST", uri("/rest/api/1.0/projects/PROJ/repos/r/pull-requests"), "{}",
                "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("error=\"insufficient_scope\""));
        assertThat(r.body()).contains("\"error\":\"insufficient_scope\"").doesNotContain("remoteUser=");
        // the same token writes nothing with WRITE scope missing, and reads fine
        assertThat(get("/rest/api/1.0/projects/PROJ/repos/r", "Bearer " + token).statusCode()).isEqualTo(200);
    }

    @Test
    void filterWhenTwoCredentialsOrBrokenBasicThen400AndNothingReachesTheHost() throws Exception {
        start(Map.of(), Map.of());
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> two = get("/x", "Bearer " + token, "Authorization", Fixture.basic("alice", "alice-pw"));
        assertThat(two.statusCode()).isEqualTo(400);
        assertThat(two.body()).contains("\"error\":\"invalid_request\"").doesNotContain("remoteUser=");
        HttpResponse<String> broken = get("/x", "Basic %%%not-base64");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).doesNotContain("host:");
    }

    // ---- the REST API

    @Test
    void restWhenOwnerCreatesListsAndRevokesThenTokenWorksUntilRevokedAtOnce() throws Exception {
        start(Map.of(), Map.of());
        String alice = Fixture.basic("alice", "alice-pw");
        HttpResponse<String> created = rest("POST", "/tokens",
                "{\"name\":\"ci\",\"level\":\"READ\",\"expiresInDays\":30,\"resources\":[\"PROJ/repo\"]}", alice);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode token = JSON.readTree(created.body());
        String id = token.get("id").asText();
        String secret = token.get("token").asText();
        assertThat(token.get("owner").asText()).isEqualTo("alice");
        assertThat(token.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(created.headers().firstValue("Location")).contains(REST + "/tokens/" + id);

        rest("POST", "/tokens", "{\"name\":\"other\",\"level\":\"READ\"}", Fixture.basic("bob", "bob-pw"));
        JsonNode list = JSON.readTree(rest("GET", "/tokens", null, alice).body());
        assertThat(list.get("total").asLong()).isEqualTo(1);
        assertThat(list.get("items").get(0).get("id").asText()).isEqualTo(id);
        assertThat(list.toString()).doesNotContain(secret);

        assertThat(get("/rest/api/1.0/projects/PROJ/repos/repo", "Bearer " + secret).statusCode()).isEqualTo(200);
        assertThat(get("/rest/api/1.0/projects/OTHER/repos/repo", "Bearer " + secret).statusCode()).isEqualTo(403);
        // bob may not revoke alice's token, and does not learn that it exists
        assertThat(rest("DELETE", "/tokens/" + id, null, Fixture.basic("bob", "bob-pw")).statusCode()).isEqualTo(404);
        HttpResponse<String> revoked = rest("DELETE", "/tokens/" + id, null, alice);
        assertThat(revoked.statusCode()).isEqualTo(204);
        assertThat(get("/rest/api/1.0/projects/PROJ/repos/repo", "Bearer " + secret).statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(rest("GET", "/tokens/" + id, null, alice).body()).get("state").asText())
                .isEqualTo("REVOKED");
    }

    @Test
    void restWhenAnonymousOrHostileThenRefusedWithJsonErrors() throws Exception {
        start(Map.of(), Map.of());
        HttpResponse<String> anonymous = fx.send("GET", uri(REST + "/tokens"), null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(anonymous.body()).get("error").asText()).isEqualTo("unauthenticated");
        HttpResponse<String> spoofedOwner = rest("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\",\"owner\":\"bob\"}",
                Fixture.basic("alice", "alice-pw"));
        assertThat(spoofedOwner.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(spoofedOwner.body()).get("field").asText()).isEqualTo("owner");
        HttpResponse<String> notJson = rest("POST", "/tokens", "{\"name\":", Fixture.basic("alice", "alice-pw"));
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(rest("GET", "/tokens", null, Fixture.basic("alice", "alice-pw")).body()).contains("\"total\":0");
    }

    // ---- the client address behind a trusted proxy

    @Test
    void clientIpWhenTrustedProxyForwardsThenTheClientAddressDecides() throws Exception {
        Map<String, String> proxy = Map.of("trustedProxies", "127.0.0.1/32", "clientIpHeader", "X-Forwarded-For");
        start(proxy, proxy);
        String limited = fx.tokenFrom("alice", AccessLevel.READ, List.of("203.0.113.0/24"));
        HttpResponse<String> r = get("/x", "Bearer " + limited, "X-Forwarded-For", "6.6.6.6, 203.0.113.10");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("clientIp=203.0.113.10");
        // the leftmost entry is the client's own claim and never believed
        assertThat(get("/x", "Bearer " + limited, "X-Forwarded-For", "203.0.113.10, 6.6.6.6").statusCode())
                .isEqualTo(401);
        // a hop the proxy could not have written makes the client unknown, never the proxy's address
        assertThat(get("/x", "Bearer " + fx.token("alice", AccessLevel.READ), "X-Forwarded-For",
                "203.0.113.10, ;drop").body()).contains("clientIp=unknown");
        // the REST servlet reads the same init-params: a token created through it is audited with the client's address
        HttpResponse<String> created = fx.send("POST", uri(REST + "/tokens"), "{\"name\":\"via-proxy\",\"level\":\"READ\"}",
                "Authorization", Fixture.basic("alice", "alice-pw"), "X-Forwarded-For", "203.0.113.7");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        fx.latchkey.flushAudit();
        assertThat(fx.audit.events()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.TOKEN_CREATED);
            assertThat(e.clientIp()).contains("203.0.113.7");
        });
    }

    @Test
    void clientIpWhenNoTrustedProxyThenForwardingHeadersAreIgnored() throws Exception {
        start(Map.of(), Map.of());
        String limited = fx.tokenFrom("alice", AccessLevel.READ, List.of("203.0.113.0/24"));
        assertThat(get("/x", "Bearer " + limited, "X-Forwarded-For", "203.0.113.10").statusCode()).isEqualTo(401);
        assertThat(get("/x", "Bearer " + fx.token("alice", AccessLevel.READ), "X-Forwarded-For", "203.0.113.10",
                "Forwarded", "for=203.0.113.10").body()).contains("clientIp=127.0.0.1");
        fx.latchkey.flushAudit();
        assertThat(fx.audit.events()).anySatisfy(e ->
                assertThat(e.reason()).hasValueSatisfying(reason -> assertThat(reason).contains("IP_NOT_ALLOWED")));
    }

    // ---- disabled passwords

    @Test
    void passwordsWhenDisabledForAPathThenTokenRequiredThereAndHostDecidesElsewhere() throws Exception {
        start(Map.of("passwordAuthDisabledPaths", "/rest/*", "passwordAuthExemptUsers", "admin"), Map.of());
        HttpResponse<String> refused = get("/rest/api/1.0/x", Fixture.basic("alice", "alice-pw"));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("\"error\":\"token_required\"").doesNotContain("remoteUser=");
        assertThat(refused.headers().allValues("WWW-Authenticate")).anySatisfy(v -> assertThat(v).startsWith("Basic realm="));
        fx.latchkey.flushAudit();
        assertThat(fx.audit.events()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.PASSWORD_AUTH_REFUSED);
            assertThat(e.actor()).isEqualTo("anonymous");
            assertThat(e.toString()).doesNotContain("alice-pw");
        });
        // outside the path the host's password check runs as before
        assertThat(get("/ui/x", Fixture.basic("alice", "alice-pw")).body()).contains("remoteUser=alice");
        assertThat(get("/restaurant", Fixture.basic("alice", "alice-pw")).statusCode()).isEqualTo(200);
        // a token as the Basic password is fine on the disabled path
        String token = fx.token("alice", AccessLevel.READ);
        assertThat(get("/rest/api/1.0/x", Fixture.basic("alice", token)).body()).contains("remoteUser=alice",
                "authType=BASIC");
        // the exempt user's password goes to the host, which still checks it
        assertThat(get("/rest/api/1.0/x", Fixture.basic("admin", "admin-pw")).body()).contains("remoteUser=admin");
        HttpResponse<String> wrong = get("/rest/api/1.0/x", Fixture.basic("admin", "wrong"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("host: bad password");
    }

    @Test
    void passwordsWhenRestApiPathDisabledThenTokensAreManagedWithATokenOnly() throws Exception {
        start(Map.of("passwordAuthDisabledPaths", "/rest/*"), Map.of());
        String alice = Fixture.basic("alice", "alice-pw");
        assertThat(rest("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\"}", alice).statusCode()).isEqualTo(401);
        // the token gets through the filter to the API, whose policy (tokensMayManageTokens=false by default)
        // then refuses it: a decision of the API, not of the password rule
        String token = fx.token("alice", AccessLevel.WRITE);
        HttpResponse<String> created = rest("POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\"}", "Bearer " + token);
        assertThat(created.statusCode()).isEqualTo(403);
        assertThat(created.body()).doesNotContain("token_required");
        assertThat(fx.latchkey.tokens().listOwn(Actor.user("alice"), 0, 10).total()).isEqualTo(1); // the WRITE token itself
    }
}
