package dev.latchkey.servlet;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.TestServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.Actor;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The filter over real HTTP: accepting, wrapping, refusing, and passing through. */
class LatchkeyFilterTest {
    private Fixture fx;
    private TestServer server;

    private TestServer start(LatchkeyFilter filter) throws Exception {
        server = TestServer.builder().filter(filter).hostUsers(Fixture.PASSWORDS).start();
        return server;
    }

    private URI uri(String path) {
        return server.base().resolve(path);
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

    @Test
    void doFilterWhenNoCredentialThenPassesThroughUntouched() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        HttpResponse<String> r = fx.get(uri("/app/page"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=null", "authType=null", "tokenId=null");
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void doFilterWhenPasswordBasicAndNothingDisabledThenHostAuthenticates() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        HttpResponse<String> r = fx.get(uri("/rest/api/x"), "Authorization", Fixture.basic("alice", "alice-pw"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=alice", "authType=BASIC", "tokenId=null");
    }

    @Test
    void doFilterWhenOtherSchemeThenLeftToTheHost() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        HttpResponse<String> r = fx.get(uri("/x"), "Authorization", "Negotiate YIIabc==");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=null");
    }

    @Test
    void doFilterWhenValidBearerThenRequestIsWrappedWithoutSession() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = fx.get(uri("/repos/x"), "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=alice", "principal=alice", "authType=Bearer", "tokenKind=PERSONAL",
                "tokenLevel=READ", "clientIp=127.0.0.1", "session=false");
        assertThat(r.body()).doesNotContain("tokenId=null");
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void doFilterWhenBearerSchemeInOtherCaseThenAccepted() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        String token = fx.token("alice", AccessLevel.READ);
        assertThat(fx.get(uri("/x"), "Authorization", "bearer " + token).statusCode()).isEqualTo(200);
    }

    @Test
    void doFilterWhenTokenIsBasicPasswordOfOwnerThenAcceptedAsBasic() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = fx.get(uri("/x"), "Authorization", Fixture.basic("alice", token));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=alice", "authType=BASIC");
        assertThat(r.body()).doesNotContain("tokenId=null");
    }

    @Test
    void doFilterWhenTokenIsBasicPasswordOfAnotherUserThen401() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = fx.get(uri("/x"), "Authorization", Fixture.basic("bob", token));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"error\":\"invalid_token\"");
        fx.latchkey.flushAudit();
        assertThat(fx.audit.events()).extracting(AuditEvent::reason)
                .contains(java.util.Optional.of("USERNAME_MISMATCH"));
    }

    @Test
    void doFilterWhenServiceTokenWithFixedUsernameThenServicePrincipal() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        String token = fx.issue("admin", NewToken.builder("ci-bot", AccessLevel.READ).service("PROJ").build())
                .secret().reveal();
        HttpResponse<String> r = fx.get(uri("/rest/api/1.0/projects/PROJ/repos/r"), "Authorization",
                Fixture.basic(LatchkeyAttributes.SERVICE_BASIC_USERNAME, token));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=service:ci-bot", "tokenKind=SERVICE", "authType=BASIC");
        assertThat(fx.get(uri("/rest/api/1.0/projects/PROJ/repos/r"), "Authorization", Fixture.basic("admin", token))
                .statusCode()).isEqualTo(401);
        // bound to its resource: another project is out of scope
        assertThat(fx.get(uri("/rest/api/1.0/projects/OTHER/repos/r"), "Authorization",
                Fixture.basic(LatchkeyAttributes.SERVICE_BASIC_USERNAME, token)).statusCode()).isEqualTo(403);
    }

    @Test
    void doFilterWhenUnknownTokenThen401WithBearerAndBasicChallengesAndNoSecretInBody() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        String foreign = Fixture.foreignToken();
        HttpResponse<String> r = fx.get(uri("/x"), "Authorization", "Bearer " + foreign);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).anySatisfy(v ->
                assertThat(v).startsWith("Bearer realm=\"latchkey\"").contains("error=\"invalid_token\""));
        assertThat(r.headers().allValues("WWW-Authenticate")).anySatisfy(v -> assertThat(v).startsWith("Basic realm="));
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(r.body()).startsWith("{\"error\":\"invalid_token\",\"message\":\"").doesNotContain(foreign);
        fx.latchkey.flushAudit();
        assertThat(fx.audit.events()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.AUTHENTICATION_REFUSED);
            assertThat(e.reason()).contains("UNKNOWN");
        });
    }

    @Test
    void doFilterWhenGarbageBearerThen401WithoutStoreAccess() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        fx.store.down = true; // proves no lookup happens: a lookup would answer 503
        HttpResponse<String> r = fx.get(uri("/x"), "Authorization", "Bearer lkp_notAToken");
        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void doFilterWhenRevokedTokenThen401() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        var issued = fx.issue("alice", NewToken.builder("x", AccessLevel.READ).build());
        fx.latchkey.tokens().revoke(Actor.user("alice"), issued.record().id(), "test");
        assertThat(fx.get(uri("/x"), "Authorization", "Bearer " + issued.secret().reveal()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void doFilterWhenReadTokenWritesThen403InsufficientScope() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = fx.send("POST", uri("/x"), "{}", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                assertThat(v).contains("error=\"insufficient_scope\""));
        assertThat(r.body()).contains("\"error\":\"insufficient_scope\"");
    }

    @Test
    void doFilterWhenStoreUnavailableThen503NeverAccept() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        String unseen = Fixture.foreignToken();
        fx.store.down = true;
        HttpResponse<String> r = fx.get(uri("/x"), "Authorization", "Bearer " + unseen);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.body()).contains("\"error\":\"temporarily_unavailable\"");
    }

    @Test
    void doFilterWhenTwoAuthorizationHeadersThen400InvalidRequest() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = fx.get(uri("/x"), "Authorization", "Bearer " + token, "Authorization",
                Fixture.basic("alice", "alice-pw"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"error\":\"invalid_request\"");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                assertThat(v).contains("error=\"invalid_request\""));
    }

    @Test
    void doFilterWhenBrokenBase64ThenNotPassedToHost400() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        assertThat(fx.get(uri("/x"), "Authorization", "Basic !!!notbase64").statusCode()).isEqualTo(400);
        assertThat(fx.get(uri("/x"), "Authorization", "Basic YWxpY2U=x").statusCode()).isEqualTo(400);
        // valid base64 without a ':' separator
        assertThat(fx.get(uri("/x"), "Authorization", "Basic YWxpY2U=").statusCode()).isEqualTo(400);
    }

    @Test
    void doFilterWhenBearerHasEmptyTokenThen400() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        HttpResponse<String> r = fx.get(uri("/x"), "Authorization", "Bearer");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_request", "empty");
        TestServer.RawResponse raw = server.rawGet("/x", "Authorization: Bearer    ".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(raw.status()).isEqualTo(400);
    }

    @Test
    void doFilterWhenBearerHasSpacesInsideThen400() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        assertThat(fx.get(uri("/x"), "Authorization", "Bearer a b").statusCode()).isEqualTo(400);
    }

    @Test
    void doFilterWhenNonAsciiInAuthorizationThen400FromTheFilter() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        byte[] line = "Authorization: Bearer lkp_\u00e9\u00e9\u00e9".getBytes(StandardCharsets.UTF_8);
        TestServer.RawResponse r = server.rawGet("/x", line);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_request");
    }

    @Test
    void doFilterWhenControlCharacterInAuthorizationThen400() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        byte[] line = "Authorization: Bearer lkp_abc\u0001def".getBytes(StandardCharsets.ISO_8859_1);
        TestServer.RawResponse r = server.rawGet("/x", line);
        // Jetty itself may reject the control character before the filter sees it; either way it is a 400
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("remoteUser=");
    }

    @Test
    void doFilterWhenAuthorizationIs64KiBThenFilterAnswers400() throws Exception {
        fx = new Fixture();
        server = TestServer.builder().filter(LatchkeyFilter.builder(fx.latchkey).build())
                .hostUsers(Fixture.PASSWORDS).requestHeaderSize(128 * 1024).start();
        // a Latchkey-shaped Bearer value (this host's prefix) is Latchkey's to limit; so is any Basic header
        for (String huge : new String[] {"Bearer lkp_" + "A".repeat(64 * 1024), "Basic " + "A".repeat(64 * 1024)}) {
            TestServer.RawResponse r = server.rawGet("/x", ("Authorization: " + huge).getBytes(StandardCharsets.ISO_8859_1));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("\"error\":\"invalid_request\"", "longer than 8192");
        }
        // issue 11: a foreign Bearer value (the host's own JWT, however long) is the host's, untouched
        TestServer.RawResponse foreign = server.rawGet("/x", ("Authorization: Bearer " + "A".repeat(64 * 1024))
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(foreign.status()).isEqualTo(200);
        assertThat(foreign.body()).contains("remoteUser=null");
    }

    @Test
    void doFilterWhenTokenInQueryStringAndNotAllowedThen400() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = fx.get(uri("/x?a=1&access_token=" + token));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("query string").doesNotContain(token);
        // a value that is not one of our tokens is the host's business
        assertThat(fx.get(uri("/x?access_token=somebody-elses")).statusCode()).isEqualTo(200);
    }

    @Test
    void doFilterWhenTokenInQueryStringAndAllowedThenAccepted() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).allowTokensInQueryString().build());
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = fx.get(uri("/x?access_token=" + token));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=alice", "authType=Bearer");
        // a header and a query token together are two credentials
        assertThat(fx.get(uri("/x?access_token=" + token), "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(400);
        assertThat(fx.get(uri("/x?access_token=" + token + "&access_token=" + token)).statusCode()).isEqualTo(400);
    }

    @Test
    void doFilterWhenPasswordOnDisabledPathThen401TellingToUseTokenAndAudited() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).disablePasswordAuthFor("/rest/*").auditSink(fx.audit).build());
        HttpResponse<String> r = fx.get(uri("/rest/api/1.0/x"), "Authorization", Fixture.basic("alice", "alice-pw"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"error\":\"token_required\"", "API token");
        assertThat(r.headers().allValues("WWW-Authenticate")).anySatisfy(v -> assertThat(v).startsWith("Basic realm="));
        AuditEvent e = fx.audit.events().stream().filter(ev -> ev.type() == AuditEventType.PASSWORD_AUTH_REFUSED)
                .findFirst().orElseThrow();
        // the user name is a claim nobody checked: never the actor an auditor filters on
        assertThat(e.actor()).isEqualTo("anonymous");
        assertThat(e.details()).containsEntry("claimedUser", "alice");
        assertThat(e.reason()).contains("PASSWORD_AUTH_DISABLED");
        assertThat(e.clientIp()).contains("127.0.0.1");
        assertThat(e.toString()).doesNotContain("alice-pw");
        // other paths keep working with passwords
        assertThat(fx.get(uri("/ui/x"), "Authorization", Fixture.basic("alice", "alice-pw")).body())
                .contains("remoteUser=alice");
        // "/rest" itself is covered, "/restaurant" is not
        assertThat(fx.get(uri("/rest"), "Authorization", Fixture.basic("alice", "alice-pw")).statusCode()).isEqualTo(401);
        assertThat(fx.get(uri("/restaurant"), "Authorization", Fixture.basic("alice", "alice-pw")).statusCode()).isEqualTo(200);
    }

    @Test
    void doFilterWhenPasswordSentWithMangledBasicSchemeOnDisabledPathThenRefusedAndAuditedNeverPassedOn()
            throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).disablePasswordAuthFor("/rest/*").auditSink(fx.audit).build());
        String b64 = Fixture.basic("alice", "alice-pw").substring("Basic ".length());
        for (String header : new String[] {"Basic\t" + b64, "Basic:" + b64, "BasicX" + b64, "basic " + b64,
                "BASIC " + b64, "  Basic " + b64}) {
            int before = fx.audit.events().size();
            HttpResponse<String> r = fx.get(uri("/rest/api/1.0/x"), "Authorization", header);
            assertThat(r.statusCode()).as(header).isEqualTo(401);
            assertThat(r.body()).as(header).contains("token_required").doesNotContain("remoteUser");
            assertThat(fx.audit.events().subList(before, fx.audit.events().size())).as(header)
                    .anySatisfy(e -> assertThat(e.type()).isEqualTo(AuditEventType.PASSWORD_AUTH_REFUSED));
        }
        // a Basic-looking header that cannot be read is a 400, never the host's business
        for (String header : new String[] {"Basicfoo", "basic!" + b64 + "!", "BASIC"}) {
            assertThat(fx.get(uri("/rest/api/1.0/x"), "Authorization", header).statusCode()).as(header).isEqualTo(400);
        }
    }

    @Test
    void doFilterWhenTokenSentWithMangledSchemeThenAuthenticatedByLatchkey() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        String token = fx.token("alice", AccessLevel.READ);
        String b64 = Fixture.basic("alice", token).substring("Basic ".length());
        for (String header : new String[] {"bearer\t" + token, "BEARER:" + token, "Basic:" + b64, "basicX" + b64}) {
            assertThat(fx.get(uri("/x"), "Authorization", header).body()).as(header).contains("remoteUser=alice");
        }
    }

    @Test
    void doFilterWhenPasswordBehindProxyAndClientUnknownThenAllowlistRefuses() throws Exception {
        fx = new Fixture(Map.of("globalAllowedCidrs", "127.0.0.0/8"));
        start(LatchkeyFilter.builder(fx.latchkey).applyGlobalAllowlistToPasswordAuth("/rest/*")
                .clientIpResolver(ClientIpResolver.builder().trustedProxies("127.0.0.1").build())
                .auditSink(fx.audit).build());
        // the proxy's own address is inside the allowlist; an unreadable header must not make it the client
        HttpResponse<String> r = fx.get(uri("/rest/x"), "Authorization", Fixture.basic("alice", "alice-pw"),
                "X-Forwarded-For", "203.0.113.9, garbage");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(fx.audit.events()).anySatisfy(e -> assertThat(e.clientIp()).contains("unknown"));
        assertThat(fx.get(uri("/rest/x"), "Authorization", Fixture.basic("alice", "alice-pw")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void doFilterWhenTokenAsBasicPasswordOnDisabledPathThenAccepted() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).disablePasswordAuthFor("/rest/*").build());
        String token = fx.token("alice", AccessLevel.READ);
        assertThat(fx.get(uri("/rest/api/x"), "Authorization", Fixture.basic("alice", token)).body())
                .contains("remoteUser=alice", "authType=BASIC");
    }

    @Test
    void doFilterWhenExemptUserOrGroupUsesPasswordOnDisabledPathThenHostDecides() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).disablePasswordAuthFor("/rest/*").passwordAuthExemptUsers("admin")
                .passwordAuthExemptGroups("break-glass").userDirectory(fx.directory).auditSink(fx.audit).build());
        assertThat(fx.get(uri("/rest/x"), "Authorization", Fixture.basic("admin", "admin-pw")).body())
                .contains("remoteUser=admin");
        assertThat(fx.get(uri("/rest/x"), "Authorization", Fixture.basic("breakglass", "breakglass-pw")).body())
                .contains("remoteUser=breakglass");
        // an exempt user with a wrong password is refused by the host, not let in
        assertThat(fx.get(uri("/rest/x"), "Authorization", Fixture.basic("admin", "wrong")).statusCode()).isEqualTo(401);
        assertThat(fx.get(uri("/rest/x"), "Authorization", Fixture.basic("bob", "bob-pw")).statusCode()).isEqualTo(401);
        // a deactivated member of the exempt group is no longer exempt
        fx.directory.deactivate("breakglass");
        assertThat(fx.get(uri("/rest/x"), "Authorization", Fixture.basic("breakglass", "breakglass-pw")).body())
                .contains("token_required");
    }

    @Test
    void doFilterWhenTokenSentAsBasicUserNameOrPathOfRefusedPasswordThenNeverAuditedOrLogged() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).disablePasswordAuthFor("/rest/*").build());
        String token = fx.token("alice", AccessLevel.READ);
        // user and password swapped: the token lands in the user-name field, a password in the password field
        HttpResponse<String> r = fx.get(uri("/rest/" + token), "Authorization", Fixture.basic(token, "alice-pw"));
        assertThat(r.statusCode()).isEqualTo(401);
        fx.latchkey.flushAudit(); // the default sink is the engine's refusal queue, written off the request thread
        AuditEvent e = fx.audit.events().stream().filter(ev -> ev.type() == AuditEventType.PASSWORD_AUTH_REFUSED)
                .findFirst().orElseThrow();
        assertThat(e.toString()).doesNotContain(token.substring(4)).contains("[redacted]");
        assertThat(r.body()).doesNotContain(token.substring(4));
    }

    @Test
    void doFilterWhenPasswordFromOutsideGlobalAllowlistThen403() throws Exception {
        fx = new Fixture(Map.of("globalAllowedCidrs", "10.0.0.0/8"));
        start(LatchkeyFilter.builder(fx.latchkey).applyGlobalAllowlistToPasswordAuth("/rest/*")
                .auditSink(fx.audit).build());
        HttpResponse<String> r = fx.get(uri("/rest/x"), "Authorization", Fixture.basic("alice", "alice-pw"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("address_not_allowed");
        fx.latchkey.flushAudit();
        assertThat(fx.audit.events()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.PASSWORD_AUTH_REFUSED);
            assertThat(e.reason()).contains("IP_NOT_ALLOWED");
        });
        // not an API path: the host decides
        assertThat(fx.get(uri("/ui"), "Authorization", Fixture.basic("alice", "alice-pw")).statusCode()).isEqualTo(200);
        // inside the allowlist: allowed
        fx.latchkey.policy().update(Actor.user("admin"), Map.of("globalAllowedCidrs", "10.0.0.0/8,127.0.0.0/8"));
        assertThat(fx.get(uri("/rest/x"), "Authorization", Fixture.basic("alice", "alice-pw")).statusCode()).isEqualTo(200);
    }

    @Test
    void doFilterWhenAllowlistOffByDefaultThenPasswordFromAnywherePasses() throws Exception {
        fx = new Fixture(Map.of("globalAllowedCidrs", "10.0.0.0/8"));
        start(LatchkeyFilter.builder(fx.latchkey).build());
        assertThat(fx.get(uri("/rest/x"), "Authorization", Fixture.basic("alice", "alice-pw")).statusCode()).isEqualTo(200);
    }

    @Test
    void doFilterWhenSecretRefusedThenNeverInTheLog() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).disablePasswordAuthFor("/rest/*").build());
        String secret = Fixture.foreignToken();
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            fx.get(uri("/x"), "Authorization", "Bearer " + secret);
            fx.get(uri("/x"), "Authorization", Fixture.basic("alice", secret));
            fx.get(uri("/rest/x"), "Authorization", Fixture.basic("alice", "hunter2-password"));
            fx.get(uri("/x"), "Authorization", "Bearer " + secret + "\u00e9");
        } finally {
            System.setErr(old);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("refused"); // DEBUG logging is on in the tests, so this proves we looked
        assertThat(log).doesNotContain(secret).doesNotContain("hunter2");
    }

    @Test
    void initWhenRegisteredInWebXmlStyleThenReadsContextAttributeAndInitParams() throws Exception {
        fx = new Fixture();
        org.eclipse.jetty.ee10.servlet.FilterHolder holder =
                new org.eclipse.jetty.ee10.servlet.FilterHolder(LatchkeyFilter.class);
        holder.setInitParameter("passwordAuthDisabledPaths", "/rest/*, /api/*");
        holder.setInitParameter("trustedProxies", "127.0.0.1/32");
        holder.setInitParameter("clientIpHeader", "X-Forwarded-For");
        holder.setInitParameter("realm", "Example");
        server = TestServer.builder().filterHolder(holder).hostUsers(Fixture.PASSWORDS)
                .customize(ctx -> {
                    ctx.setAttribute(LatchkeyAttributes.LATCHKEY, fx.latchkey);
                    ctx.setAttribute(LatchkeyAttributes.AUDIT_SINK, fx.audit);
                }).start();
        String token = fx.token("alice", AccessLevel.READ);
        assertThat(fx.get(uri("/x"), "Authorization", "Bearer " + token, "X-Forwarded-For", "198.51.100.7").body())
                .contains("remoteUser=alice", "clientIp=198.51.100.7");
        HttpResponse<String> r = fx.get(uri("/api/x"), "Authorization", Fixture.basic("alice", "alice-pw"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).anySatisfy(v -> assertThat(v).contains("realm=\"Example\""));
        assertThat(fx.audit.events()).anySatisfy(e -> assertThat(e.type()).isEqualTo(AuditEventType.PASSWORD_AUTH_REFUSED));
    }

    @Test
    void initWhenUnknownInitParamThenFailsWithTheName() throws Exception {
        fx = new Fixture();
        org.eclipse.jetty.ee10.servlet.FilterHolder holder =
                new org.eclipse.jetty.ee10.servlet.FilterHolder(LatchkeyFilter.class);
        holder.setInitParameter("passwordAuthDisabledPath", "/rest/*");
        TestServer.Builder b = TestServer.builder().filterHolder(holder)
                .customize(ctx -> ctx.setAttribute(LatchkeyAttributes.LATCHKEY, fx.latchkey));
        // Jetty logs the failed filter and does not serve; the request must not pass unauthenticated
        try {
            server = b.start();
            assertThat(fx.get(uri("/x")).statusCode()).isNotEqualTo(200);
        } catch (Exception e) {
            assertThat(e).hasStackTraceContaining("passwordAuthDisabledPath");
        }
    }

    @Test
    void builderWhenContradictoryThenRejectsWithAdvice() {
        fx = new Fixture();
        assertThatThrownBy(() -> LatchkeyFilter.builder(fx.latchkey).passwordAuthExemptUsers("admin").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("disablePasswordAuthFor");
        assertThatThrownBy(() -> LatchkeyFilter.builder(fx.latchkey).realm("a\"b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatchkeyFilter.builder(fx.latchkey).disablePasswordAuthFor("rest/*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("servlet URL pattern");
        assertThatThrownBy(() -> LatchkeyFilter.builder(fx.latchkey).realm("a").realm("b"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
    }

    static List<String> lines(String body) {
        return List.of(body.split("\n"));
    }

    @Test
    void doFilterWhenLfsBatchThenClassifierSeesTheBodyAndTheHostStillReadsAllOfIt() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).build());
        String read = fx.token("alice", AccessLevel.READ);
        String write = fx.token("bob", AccessLevel.WRITE);
        URI batch = uri("/scm/PROJ/repo.git/info/lfs/objects/batch");
        String download = "{\"operation\":\"download\",\"objects\":[{\"oid\":\"ab\",\"size\":1}]}";
        HttpResponse<String> ok = fx.send("POST", batch, download, "Authorization", "Bearer " + read);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("bodyLength=" + download.length(),
                "bodyHash=" + java.util.Arrays.hashCode(download.getBytes(StandardCharsets.UTF_8)));
        assertThat(fx.send("POST", batch, "{\"operation\":\"upload\",\"objects\":[]}", "Authorization",
                "Bearer " + read).statusCode()).isEqualTo(403);
        // a download padded past the bound is not shown to the classifier: treated as an upload
        String padded = "{\"operation\":\"download\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
        assertThat(fx.send("POST", batch, padded, "Authorization", "Bearer " + read).statusCode()).isEqualTo(403);
        // a WRITE token's long body reaches the host whole: buffered prefix, then the rest of the stream
        HttpResponse<String> big = fx.send("POST", batch, padded, "Authorization", "Bearer " + write);
        assertThat(big.statusCode()).isEqualTo(200);
        assertThat(big.body()).contains("bodyLength=" + padded.length(),
                "bodyHash=" + java.util.Arrays.hashCode(padded.getBytes(StandardCharsets.UTF_8)));
    }
}
