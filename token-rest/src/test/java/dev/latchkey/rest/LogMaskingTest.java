package dev.latchkey.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.TestServer;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.spi.AccessLevel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real token in a request path never reaches a DEBUG line or an error log as is, whichever component writes
 * the line (the filter, the engine, the REST API). DEBUG logging is on in these tests (simplelogger.properties).
 */
class LogMaskingTest {
    private Fixture fx;
    private TestServer server;

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
    void refusedRequestWhenTokenInPathThenMaskedInEveryLogLine() throws Exception {
        fx = new Fixture();
        server = TestServer.builder().filter(LatchkeyFilter.builder(fx.latchkey).disablePasswordAuthFor("/rest/*").build())
                .rest(TokenRestServlet.builder(fx.latchkey).build()).hostUsers(Fixture.PASSWORDS).start();
        String token = fx.token("alice", AccessLevel.READ);
        String body = token.substring(token.indexOf('_') + 1);
        String readOnly = fx.token("bob", AccessLevel.READ);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // a refused token on a path holding another token: the engine's DEBUG line
            fx.get(server.base().resolve("/x/" + token), "Authorization", "Bearer lkp_" + "A".repeat(36));
            // a READ token writing: refused for scope, the path logged
            fx.send("POST", server.base().resolve("/rest/api/1.0/projects/" + token), "{}", "Authorization",
                    "Bearer " + readOnly);
            // a refused password on a path holding the token: the filter's DEBUG line
            fx.get(server.base().resolve("/rest/" + token), "Authorization", Fixture.basic("alice", "alice-pw"));
        } finally {
            System.setErr(old);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("refused"); // proves DEBUG lines were written
        assertThat(log).doesNotContain(body);
    }
}
