package dev.latchkey.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConsoleServletTest {
    private static Server jetty;
    private static URI base;
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        jetty = new Server();
        ServerConnector c = new ServerConnector(jetty);
        c.setHost("127.0.0.1");
        c.setPort(0);
        jetty.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/app");
        ctx.addServlet(new ServletHolder(ConsoleServlet.builder().apiPath("/rest/latchkey/1.0").loginUrl("/login")
                .build()), "/latchkey/*");
        ServletHolder fromWebXml = new ServletHolder(new ConsoleServlet());
        fromWebXml.setInitParameter("apiPath", "/api");
        ctx.addServlet(fromWebXml, "/console2/*");
        jetty.setHandler(ctx);
        jetty.start();
        base = URI.create("http://127.0.0.1:" + c.getLocalPort() + "/app");
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.stop();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertStrictHeaders(HttpResponse<String> r) {
        String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                "object-src 'none'", "base-uri 'none'").doesNotContain("unsafe-inline", "unsafe-eval", "*");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }

    @Test
    void pageWhenRequestedThenShellWithConfigurationNoStoreAndNoInlineCode() throws Exception {
        for (String page : List.of("/", "/manager", "/audit", "/policy")) {
            HttpResponse<String> r = get("/latchkey" + page);
            assertThat(r.statusCode()).isEqualTo(200);
            assertStrictHeaders(r);
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
            assertThat(r.body()).contains("content=\"/app/rest/latchkey/1.0\"", "content=\"/app/login\"",
                    "src=\"/app/latchkey/assets/" + ConsoleServlet.VERSION + "/app.js\"");
            // every script is an external module; no inline script, no inline style
            assertThat(r.body()).doesNotContain("<style", "style=", " on");
            Matcher scripts = Pattern.compile("<script[^>]*>").matcher(r.body());
            while (scripts.find()) {
                assertThat(scripts.group()).contains("src=");
            }
        }
    }

    @Test
    void assetWhenVersionedPathThenServedWithTypeAndImmutableCaching() throws Exception {
        HttpResponse<String> js = get("/latchkey/assets/" + ConsoleServlet.VERSION + "/app.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertStrictHeaders(js);
        assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
        assertThat(js.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(get("/latchkey/assets/" + ConsoleServlet.VERSION + "/console.css").headers()
                .firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/css"));
        assertThat(get("/latchkey/assets/" + ConsoleServlet.VERSION + "/strings.en.json").body()).contains("\"nav.mine\"");
    }

    @Test
    void assetWhenNothingFetchedFromElsewhereThenNoAbsoluteUrlInAnyAsset() throws Exception {
        for (String a : List.of("app.js", "api.js", "ui.js", "strings.js", "tokenform.js", "mine.js", "manager.js",
                "audit.js", "policy.js", "console.css")) {
            String body = get("/latchkey/assets/" + ConsoleServlet.VERSION + "/" + a).body();
            assertThat(body).as(a).doesNotContain("http://", "https://", "localStorage", "sessionStorage", "innerHTML",
                    "eval(", "document.write");
        }
    }

    @Test
    void getWhenPathTraversalOrUnlistedResourceThen404() throws Exception {
        String v = ConsoleServlet.VERSION;
        for (String path : List.of("/latchkey/assets/" + v + "/../shell.html", "/latchkey/assets/" + v + "/%2e%2e/shell.html",
                "/latchkey/assets/" + v + "/../../ConsoleServlet.class", "/latchkey/assets/" + v + "/",
                "/latchkey/assets/" + v + "/APP.JS", "/latchkey/assets/" + v + "/app.js%00.css",
                "/latchkey/assets/0000/app.js", "/latchkey/assets/app.js", "/latchkey/shell.html",
                "/latchkey/assets/" + v + "/dev/latchkey/console/ConsoleServlet.class", "/latchkey/../latchkey/x")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("latchkey-api", "import ", "CAFEBABE");
        }
    }

    @Test
    void requestWhenNotGetThen405() throws Exception {
        for (String m : List.of("POST", "PUT", "DELETE", "PATCH")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/latchkey/"))
                    .method(m, HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(m).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
            assertStrictHeaders(r);
        }
    }

    @Test
    void getWhenMountPointWithoutSlashThenRedirectToPages() throws Exception {
        HttpResponse<String> r = get("/latchkey");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValueSatisfying(v -> assertThat(v).endsWith("/app/latchkey/"));
    }

    @Test
    void initWhenWebXmlParametersThenUsed() throws Exception {
        assertThat(get("/console2/").body()).contains("content=\"/app/api\"", "name=\"latchkey-login\" content=\"\"");
    }

    @Test
    void builderWhenHostilePathThenRejectedNamingTheOption() {
        for (String bad : List.of("\"><script>alert(1)</script>", "javascript:alert(1)", "//evil.example", "/a/../b",
                "rest", "/a b", "/a\u202eb", "")) {
            assertThatThrownBy(() -> ConsoleServlet.builder().apiPath(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("apiPath");
            assertThatThrownBy(() -> ConsoleServlet.builder().loginUrl(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("loginUrl");
        }
        assertThatThrownBy(() -> ConsoleServlet.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apiPath is required");
        assertThatThrownBy(() -> ConsoleServlet.builder().apiPath("/a").apiPath("/b"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(ConsoleServlet.checkPath("apiPath", "/rest/latchkey/1.0/")).isEqualTo("/rest/latchkey/1.0");
    }
}
