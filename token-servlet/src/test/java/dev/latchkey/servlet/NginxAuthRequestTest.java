package dev.latchkey.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.TestServer;
import dev.latchkey.spi.AccessLevel;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real nginx ({@code auth_request}) in front of a tiny upstream, asking {@link ProxyAuthServlet}; the
 * {@code server} block is the one in README.md, verbatim apart from the three port numbers. Skipped with a
 * message when nginx is not installed, unless {@code LATCHKEY_TEST_REQUIRE_NGINX=true} (as in {@code .ci/run}).
 */
class NginxAuthRequestTest {
    private static Fixture fx;
    private static TestServer latchkey;
    private static TestServer upstream;
    private static Process nginx;
    private static Path dir;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        Path binary = findNginx();
        if (binary == null) {
            if ("true".equals(System.getenv("LATCHKEY_TEST_REQUIRE_NGINX"))) {
                throw new AssertionError("nginx is required (LATCHKEY_TEST_REQUIRE_NGINX=true) but not installed");
            }
            System.err.println("[token-servlet] SKIPPING the nginx auth_request scenario: 'nginx' is not installed "
                    + "(apt-get install nginx-light)");
            Assumptions.abort("nginx is not installed");
        }
        fx = new Fixture();
        ProxyAuthServlet endpoint = ProxyAuthServlet.builder(fx.latchkey).clientIpResolver(ClientIpResolver.builder()
                .trustedProxies("127.0.0.1/32").header(ForwardedHeader.X_REAL_IP).build()).build();
        latchkey = TestServer.builder().customize(ctx -> ctx.addServlet(new ServletHolder(endpoint), "/authorize"))
                .start();
        upstream = TestServer.builder().customize(ctx -> ctx.addServlet(new ServletHolder(new Upstream()), "/rest/*"))
                .start();
        int port = freePort();
        dir = Files.createTempDirectory("latchkey-nginx");
        String server = readmeServerBlock()
                .replace("127.0.0.1:8000", "127.0.0.1:" + port)
                .replace("127.0.0.1:8081", "127.0.0.1:" + latchkey.port())
                .replace("127.0.0.1:8082", "127.0.0.1:" + upstream.port());
        String d = dir.toAbsolutePath().toString();
        String conf = ("root".equals(System.getProperty("user.name")) ? "user root;\n" : "")
                + "daemon off;\nworker_processes 1;\npid " + d + "/nginx.pid;\nerror_log " + d + "/error.log info;\n"
                + "events { worker_connections 64; }\n"
                + "http {\n    access_log " + d + "/access.log;\n"
                + "    client_body_temp_path " + d + "/body;\n    proxy_temp_path " + d + "/proxy;\n"
                + "    fastcgi_temp_path " + d + "/fastcgi;\n    uwsgi_temp_path " + d + "/uwsgi;\n"
                + "    scgi_temp_path " + d + "/scgi;\n"
                + server + "\n}\n";
        Files.writeString(dir.resolve("nginx.conf"), conf, StandardCharsets.UTF_8);
        nginx = new ProcessBuilder(binary.toString(), "-p", d, "-e", d + "/error.log", "-c", d + "/nginx.conf")
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        base = URI.create("http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                break;
            } catch (IOException e) {
                if (!nginx.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("nginx did not start: " + log("stdout.log") + log("error.log"));
                }
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
        if (upstream != null) {
            upstream.close();
        }
        if (latchkey != null) {
            latchkey.close();
        }
        if (fx != null) {
            fx.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void nginxWhenReadTokenGetsThenUpstreamServesWithLatchkeyUser() throws Exception {
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = fx.get(base.resolve("/rest/api/1.0/projects?limit=1"),
                "Authorization", "Bearer " + token, "X-Latchkey-User", "admin");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("upstream GET /rest/api/1.0/projects?limit=1").contains("user=alice")
                .contains("scope=READ").doesNotContain("user=admin");
    }

    @Test
    void nginxWhenReadTokenPostsThenForbiddenAndUpstreamNeverAsked() throws Exception {
        String token = fx.token("alice", AccessLevel.READ);
        HttpResponse<String> r = fx.send("POST", base.resolve("/rest/api/1.0/projects/P/repos/r/pull-requests"),
                "{}", "Authorization", "Bearer " + token,
                // a client cannot describe its own request: nginx replaces these
                "X-Original-Method", "GET", "X-Original-URI", "/rest/api/1.0/projects");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).doesNotContain("upstream");
    }

    @Test
    void nginxWhenNoTokenThenUnauthorizedWithBearerChallenge() throws Exception {
        HttpResponse<String> r = fx.get(base.resolve("/rest/api/1.0/projects"), "X-Latchkey-User", "alice");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).anySatisfy(v -> assertThat(v).startsWith("Bearer"));
        assertThat(r.body()).doesNotContain("upstream");
    }

    @Test
    void nginxWhenTokenLimitedToOtherCidrThenRefusedEvenWithSpoofedXRealIp() throws Exception {
        String elsewhere = fx.tokenFrom("alice", AccessLevel.READ, List.of("10.0.0.0/8"));
        assertThat(fx.get(base.resolve("/rest/api/1.0/projects"), "Authorization", "Bearer " + elsewhere,
                "X-Real-IP", "10.1.2.3", "X-Forwarded-For", "10.1.2.3").statusCode()).isEqualTo(401);
        String here = fx.tokenFrom("alice", AccessLevel.READ, List.of("127.0.0.1/32"));
        assertThat(fx.get(base.resolve("/rest/api/1.0/projects"), "Authorization", "Bearer " + here).statusCode())
                .isEqualTo(200);
    }

    /** The nginx server block between the README's markers. */
    static String readmeServerBlock() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int begin = readme.indexOf("<!-- nginx-auth-request:begin -->");
        int end = readme.indexOf("<!-- nginx-auth-request:end -->");
        assertThat(begin).as("README.md has the nginx-auth-request markers").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String block = readme.substring(begin, end);
        int open = block.indexOf("```nginx\n");
        int close = block.lastIndexOf("```");
        assertThat(open).as("an nginx code block between the markers").isNotNegative();
        String server = block.substring(open + "```nginx\n".length(), close);
        for (String port : List.of("127.0.0.1:8000", "127.0.0.1:8081", "127.0.0.1:8082")) {
            assertThat(server).as("the README block uses " + port).contains(port);
        }
        return server;
    }

    private static Path findNginx() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, "nginx");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String log(String name) {
        try {
            return "\n" + name + ":\n" + Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "";
        }
    }

    /** The application behind nginx: says what it received. */
    static final class Upstream extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setContentType("text/plain;charset=UTF-8");
            res.getWriter().print("upstream " + req.getMethod() + " " + req.getRequestURI()
                    + (req.getQueryString() == null ? "" : "?" + req.getQueryString())
                    + "\nuser=" + req.getHeader("X-Latchkey-User") + "\nscope=" + req.getHeader("X-Latchkey-Scope")
                    + "\n");
        }
    }
}
