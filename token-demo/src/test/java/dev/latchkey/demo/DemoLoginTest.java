package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's browser login, which the token pages use: a session, never a token; attacked here. */
class DemoLoginTest {
    @TempDir
    static Path tmp;
    private static DemoServer demo;

    @BeforeAll
    static void start() throws Exception {
        demo = new DemoServer(DemoServer.Options.defaults(tmp).withPort(0));
        demo.start();
    }

    @AfterAll
    static void stop() throws Exception {
        demo.close();
    }

    private static HttpResponse<String> post(HttpClient http, String path, String form, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(demo.baseUri().resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(HttpClient http, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(demo.baseUri().resolve(path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient client(CookieManager cookies) {
        return HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Test
    void loginWhenRightPasswordThenSessionSignsInTheRestApiWithStrictCookie() throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient http = client(cookies);
        HttpResponse<String> r = post(http, "/login", "user=alice&password=alice&next=%2Flatchkey%2Fmanager", null);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValueSatisfying(v -> assertThat(v).endsWith("/latchkey/manager"));
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
        HttpResponse<String> me = get(http, "/rest/latchkey/1.0/me");
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"user\":\"alice\"", "\"maxLevel\":\"WRITE\"");
        // signing out ends the session
        assertThat(post(http, "/logout", "", null).statusCode()).isEqualTo(302);
        assertThat(get(http, "/rest/latchkey/1.0/me").statusCode()).isEqualTo(401);
    }

    @Test
    void loginWhenSessionFixationAttemptThenNewSessionId() throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient http = client(cookies);
        post(http, "/login", "user=bob&password=bob", null);
        String first = sessionId(cookies);
        post(http, "/login", "user=alice&password=alice", null);
        assertThat(sessionId(cookies)).isNotEqualTo(first);
        assertThat(get(http, "/rest/latchkey/1.0/me").body()).contains("\"user\":\"alice\"");
    }

    private static String sessionId(CookieManager cookies) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(HttpCookie::getValue).findFirst().orElseThrow();
    }

    @Test
    void loginWhenWrongPasswordOrDeactivatedUserThen401AndNoSession() throws Exception {
        for (String form : List.of("user=alice&password=bob", "user=dave&password=dave", "user=alice", "password=x",
                "user=alice%00&password=alice")) {
            CookieManager cookies = new CookieManager();
            HttpClient http = client(cookies);
            HttpResponse<String> r = post(http, "/login", form, null);
            assertThat(r.statusCode()).as(form).isEqualTo(401);
            assertThat(r.body()).contains("Wrong user name or password");
            assertThat(get(http, "/rest/latchkey/1.0/me").statusCode()).as(form).isEqualTo(401);
        }
    }

    @Test
    void loginWhenPostedFromAnotherOriginThen403() throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient http = client(cookies);
        HttpResponse<String> r = post(http, "/login", "user=alice&password=alice", "https://evil.example");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(get(http, "/rest/latchkey/1.0/me").statusCode()).isEqualTo(401);
    }

    @Test
    void loginWhenOpenRedirectAttemptThenStaysOnThisHost() throws Exception {
        for (String next : List.of("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                "/latchkey/\r\nSet-Cookie:x=y", "/%2F%2Fevil.example")) {
            HttpResponse<String> r = post(client(new CookieManager()), "/login",
                    "user=alice&password=alice&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8), null);
            assertThat(r.statusCode()).as(next).isEqualTo(302);
            URI location = demo.baseUri().resolve(r.headers().firstValue("Location").orElseThrow());
            assertThat(location.getHost()).as(next).isEqualTo("127.0.0.1");
            assertThat(location.getPath()).as(next).isEqualTo("/latchkey/");
        }
        assertThat(DemoLoginServlet.safeNext("/latchkey/audit")).isEqualTo("/latchkey/audit");
    }

    @Test
    void loginPageWhenHostileNextThenNotReflectedAndStrictCsp() throws Exception {
        HttpResponse<String> r = get(client(new CookieManager()), "/login?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("<script").contains("value=\"/latchkey/\"");
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v)
                .contains("default-src 'self'", "frame-ancestors 'none'"));
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void restWhenScriptWithoutSessionThen401WithoutBasicChallenge() throws Exception {
        HttpClient http = client(new CookieManager());
        HttpResponse<String> script = get(http, "/rest/latchkey/1.0/me", "X-Requested-With", "XMLHttpRequest");
        assertThat(script.statusCode()).isEqualTo(401);
        assertThat(script.headers().allValues("WWW-Authenticate")).isEmpty();
        // everybody else (curl, git) still gets the challenge
        assertThat(get(http, "/rest/latchkey/1.0/me").headers().allValues("WWW-Authenticate")).isNotEmpty();
    }

    @Test
    void consoleWhenMountedThenPagesServedAtLatchkey() throws Exception {
        HttpResponse<String> r = get(client(new CookieManager()), "/latchkey/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("name=\"latchkey-api\" content=\"/rest/latchkey/1.0\"",
                "name=\"latchkey-login\" content=\"/login\"");
        assertThat(DemoMain.howToTry(8080)).anyMatch(l -> l.contains("http://127.0.0.1:8080/latchkey/"));
    }
}
