package dev.latchkey.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.TestServer;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.NewToken;
import dev.latchkey.spi.AccessLevel;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs every {@code curl} command of the {@code bash} blocks in the token-servlet section of the root
 * {@code README.md} (between the {@code token-servlet:begin/end} markers) with the real curl
 * binary against a test server, in order, and checks the status code given by the {@code # → NNN} line above
 * each one. So the documented contract cannot drift from the code.
 */
class ReadmeCurlTest {
    private static final Pattern EXPECT = Pattern.compile("^#\\s*→\\s*(\\d{3})\\b.*");

    record Example(int expected, String command, int line) {
    }

    static List<Example> examples(String markdown) {
        List<Example> out = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        boolean inBash = false;
        Integer expected = null;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (!inBash) {
                inBash = l.strip().equals("```bash");
                continue;
            }
            if (l.strip().equals("```")) {
                inBash = false;
                expected = null;
                continue;
            }
            Matcher m = EXPECT.matcher(l.strip());
            if (m.matches()) {
                expected = Integer.parseInt(m.group(1));
                continue;
            }
            if (l.startsWith("curl ")) {
                int start = i;
                StringBuilder cmd = new StringBuilder();
                while (l.endsWith("\\")) {
                    cmd.append(l, 0, l.length() - 1).append(' ');
                    l = lines[++i];
                }
                cmd.append(l);
                if (expected == null) {
                    throw new AssertionError("README.md token-servlet section, line " + (start + 1)
                            + ": a curl command without a '# → NNN' expected-status line above it");
                }
                out.add(new Example(expected, cmd.toString(), start + 1));
                expected = null;
            }
        }
        return out;
    }

    /** The token-servlet section of the root README. */
    static String section() throws java.io.IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int begin = readme.indexOf("<!-- token-servlet:begin");
        int end = readme.indexOf("<!-- token-servlet:end -->");
        assertThat(begin).as("README.md has the token-servlet:begin marker").isNotNegative();
        assertThat(end).as("README.md has the token-servlet:end marker").isGreaterThan(begin);
        return readme.substring(begin, end);
    }

    @Test
    void readmeWhenCurlExamplesRunThenStatusCodesMatch() throws Exception {
        List<Example> examples = examples(section());
        assertThat(examples).hasSizeGreaterThanOrEqualTo(20);

        File curl = new File("/usr/bin/curl");
        if (!curl.canExecute()) {
            if ("true".equals(System.getenv("LATCHKEY_TEST_REQUIRE_CURL"))) {
                throw new AssertionError("curl is required (LATCHKEY_TEST_REQUIRE_CURL=true) but not at /usr/bin/curl");
            }
            System.out.println("SKIPPED readmeWhenCurlExamplesRunThenStatusCodesMatch: no curl binary at /usr/bin/curl");
        }
        Assumptions.assumeTrue(curl.canExecute(), "the curl binary is not installed at /usr/bin/curl");

        try (Fixture fx = new Fixture()) {
            LatchkeyFilter filter = LatchkeyFilter.builder(fx.latchkey).disablePasswordAuthFor("/rest/api/*")
                    .auditSink(fx.audit).build();
            try (TestServer server = TestServer.builder().filter(filter)
                    .rest(TokenRestServlet.builder(fx.latchkey).auditLog(fx.audit).build())
                    .hostUsers(Fixture.PASSWORDS).start()) {
                String token = fx.token("alice", AccessLevel.READ);
                String service = fx.issue("admin", NewToken.builder("svc", AccessLevel.READ).service("PROJ").build())
                        .secret().reveal();
                IssuedToken mine = fx.issue("alice", NewToken.builder("mine", AccessLevel.READ).build());
                IssuedToken carols = fx.issue("carol", NewToken.builder("carols", AccessLevel.READ).build());
                Map<String, String> env = Map.of("BASE", server.base().toString(), "TOKEN", token,
                        "SERVICE_TOKEN", service, "ID", mine.record().id(), "OTHER_ID", carols.record().id());
                for (Example e : examples) {
                    ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                            e.command() + " -o /dev/null -w '%{http_code}' --max-time 10");
                    pb.environment().putAll(env);
                    pb.redirectErrorStream(true);
                    Process p = pb.start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
                    assertThat(out).as("README.md token-servlet section, line %d: %s", e.line(), e.command())
                            .isEqualTo(Integer.toString(e.expected()));
                }
            }
        }
    }

    @Test
    void readmeWhenParsedThenEveryEndpointIsDocumentedWithAnExample() throws Exception {
        String md = section();
        List<String> commands = examples(md).stream().map(Example::command).toList();
        for (String endpoint : new String[] {"/tokens\"", "/tokens?", "/tokens/$ID\"", "/rotate\"", "-X PATCH",
                "-X DELETE", "/admin/tokens?", "/admin/tokens\"", "/admin/tokens/revoke\"", "/admin/tokens/$OTHER_ID\"",
                "/admin/policy\"", "-X PUT", "/admin/audit?", "Authorization: Bearer", "x-token-auth:"}) {
            assertThat(commands).as(endpoint).anySatisfy(c -> assertThat(c).contains(endpoint));
        }
        for (String name : new String[] {"dev.latchkey.token", "dev.latchkey.Latchkey", "dev.latchkey.clientIp",
                "invalid_request", "invalid_token", "insufficient_scope", "token_required", "allowTokensInQueryString()"}) {
            assertThat(md).contains(name);
        }
    }
}
