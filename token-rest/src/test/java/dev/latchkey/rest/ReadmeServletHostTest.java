package dev.latchkey.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.LatchkeyAttributes;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.core.Latchkey;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: the README's complete plain-servlet host is compiled from the README and run over real HTTP. A token
 * limited to one repository and a service token bound to it work there through the path-pattern classifier, and
 * are refused on another repository; the host's own login serves the REST API and never the token-only API.
 */
class ReadmeServletHostTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private URI base;

    @Test
    void readmeHostWhenCompiledAndRunThenResourceBoundTokensWorkOnlyOnTheirRepository(@TempDir Path dir)
            throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("```java\\n// README-SERVLET-HOST[^\\n]*\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README has the README-SERVLET-HOST java block").isTrue();
        Path src = dir.resolve("PlainServletHost.java");
        Files.writeString(src, m.group(1));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, "-d", dir.toString(), "-cp", System.getProperty("java.class.path"),
                src.toString());
        assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> host = loader.loadClass("PlainServletHost");
            Latchkey latchkey = (Latchkey) host.getMethod("engine").invoke(null);
            Server server = (Server) host.getMethod("start", Latchkey.class, int.class).invoke(null, latchkey, 0);
            try {
                base = URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
                exercise();
            } finally {
                server.stop();
                latchkey.close();
            }
        }
    }

    private void exercise() throws Exception {
        String alice = Fixture.basic("alice", "alice-pw");
        String admin = Fixture.basic("admin", "admin-pw");
        HttpResponse<String> mine = send("POST", "/rest/latchkey/1.0/tokens",
                "{\"name\":\"laptop\",\"level\":\"READ\",\"resources\":[\"web\"]}", alice);
        assertThat(mine.statusCode()).as(mine.body()).isEqualTo(201);
        String aliceToken = json.readTree(mine.body()).path("token").asText();
        HttpResponse<String> bot = send("POST", "/rest/latchkey/1.0/admin/tokens",
                "{\"name\":\"ci-bot\",\"level\":\"READ\",\"kind\":\"SERVICE\",\"resource\":\"web\"}", admin);
        assertThat(bot.statusCode()).as(bot.body()).isEqualTo(201);
        String serviceToken = json.readTree(bot.body()).path("token").asText();

        HttpResponse<String> r = send("GET", "/api/repos/web/issues", null, "Bearer " + aliceToken);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("alice reads /repos/web/issues as a developer");
        r = send("GET", "/api/repos/web/issues", null, "Bearer " + serviceToken);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("service:ci-bot reads /repos/web/issues");
        r = send("GET", "/api/repos/web/issues", null, Fixture.basic(LatchkeyAttributes.SERVICE_BASIC_USERNAME,
                serviceToken));
        assertThat(r.body()).as("the service token as git sends it").isEqualTo("service:ci-bot reads /repos/web/issues");

        for (String token : new String[] {aliceToken, serviceToken}) {
            for (String path : new String[] {"/api/repos/other/issues", "/api/repos/web/settings",
                    "/api/repos/webx/issues"}) {
                r = send("GET", path, null, "Bearer " + token);
                assertThat(r.statusCode()).as(path).isEqualTo(403);
                assertThat(r.body()).startsWith("{\"error\":\"insufficient_scope\"");
            }
            r = send("POST", "/api/repos/web/issues", "{}", "Bearer " + token);
            assertThat(r.statusCode()).as("a READ token cannot write").isEqualTo(403);
            assertThat(send("GET", "/rest/latchkey/1.0/tokens", null, "Bearer " + token).statusCode())
                    .as("tokens may not manage tokens by default").isEqualTo(403);
        }

        for (String credential : new String[] {alice, null}) {
            r = send("GET", "/api/repos/web/issues", null, credential);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).startsWith("{\"error\":\"token_required\"");
        }
        assertThat(send("GET", "/rest/latchkey/1.0/tokens", null, Fixture.basic("alice", "wrong")).statusCode())
                .as("the host's own login refuses a wrong password").isEqualTo(401);
    }

    private HttpResponse<String> send(String method, String path, String body, String authorization)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
