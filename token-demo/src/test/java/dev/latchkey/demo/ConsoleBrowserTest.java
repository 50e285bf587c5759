package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The token pages in a real browser: Debian's Chromium, headless, driven by Selenium through Debian's chromedriver
 * (nothing is downloaded), against the demo on a free port, with the real git client. One browser session serves
 * every scenario, in order. Every page is checked with axe-core (no serious or critical violations), and the
 * screenshots in README come from here ({@code docs/screenshots}).
 *
 * <p>Without chromium and chromedriver the suite is skipped with a message; with
 * {@code LATCHKEY_TEST_REQUIRE_BROWSER=true} (set by {@code .ci/run}) their absence fails it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private DemoServer demo;
    private ChromeDriver driver;
    private WebDriverWait wait;
    private Git git;
    private String base;
    private Path screenshots;

    @BeforeAll
    void start() throws Exception {
        boolean required = "true".equalsIgnoreCase(System.getenv("LATCHKEY_TEST_REQUIRE_BROWSER"));
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " (apt-get install chromium)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add(CHROMEDRIVER + " (apt-get install chromium-driver)");
        }
        if (Git.version() == null) {
            missing.add("git");
        }
        if (!missing.isEmpty()) {
            String why = "ConsoleBrowserTest SKIPPED: the browser suite needs " + String.join(", ", missing);
            if (required) {
                fail(why.replace("SKIPPED", "FAILED") + "; LATCHKEY_TEST_REQUIRE_BROWSER=true makes it mandatory");
            }
            System.err.println("[WARNING] " + why);
            Assumptions.abort(why);
        }
        // Selenium Manager must never download a driver or a browser: both are given explicitly
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());

        demo = new DemoServer(DemoServer.Options.defaults(tmp.resolve("data")).withPort(0));
        demo.start();
        base = demo.baseUri().toString();
        git = new Git(tmp);
        screenshots = Path.of(System.getProperty("latchkey.screenshots", "target/screenshots"));
        Files.createDirectories(screenshots);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createDirectories(tmp.resolve("chrome-profile")),
                "--window-size=1280,1000", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", base,
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
    }

    @AfterAll
    void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (demo != null) {
            demo.close();
        }
    }

    // ------------------------------------------------------------------ scenarios

    @Test
    @Order(1)
    void signInWhenWrongPasswordThenRefusedAndConsoleShowsSignInLink() throws Exception {
        driver.get(base + "/latchkey/");
        driver.manage().deleteAllCookies();
        driver.navigate().refresh();
        WebElement link = wait.until(ExpectedConditions.visibilityOfElementLocated(By.linkText("Sign in")));
        assertThat(link.getAttribute("href")).endsWith("/login?next=%2Flatchkey%2F");
        link.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user"))).sendKeys("alice");
        driver.findElement(By.id("password")).sendKeys("not-her-password", Keys.ENTER);
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error"))).getText())
                .contains("Wrong user name or password");
        screenshot("sign-in");
        assertNoSeriousAccessibilityViolations("sign-in");
    }

    @Test
    @Order(2)
    void myTokensWhenAliceCreatesReadTokenThenSecretShownOnceCopiedAndGitCloneWorks() throws Exception {
        signIn("alice");
        page("/latchkey/", "My API tokens");
        assertThat(driver.findElement(By.cssSelector("main .empty")).getText()).contains("You have no tokens yet");
        assertNoSeriousAccessibilityViolations("my tokens (empty)");

        WebElement name = driver.findElement(By.cssSelector("[data-field=name]"));
        name.sendKeys("laptop git");
        new Select(driver.findElement(By.cssSelector("[data-field=level]"))).selectByValue("READ");
        driver.findElement(By.cssSelector("[data-field=resources]")).sendKeys("DEMO");
        name.submit();
        WebElement secretField = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-secret")));
        String secret = secretField.getDomProperty("value");
        assertThat(secret.startsWith("lkp_") && secret.length() > 30).as("a token secret is shown").isTrue();
        assertThat(driver.findElement(By.cssSelector(".secret")).getText()).contains("You will not see it again");

        driver.findElement(By.id("copy-secret")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".secret [role=status]"), "Copied."));
        Object clipboard = driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "navigator.clipboard.readText().then(done, e => done('unreadable: ' + e.name));");
        // compared as a boolean: a failure message must not print the secret
        assertThat(secret.equals(clipboard)).as("the copy button put the secret on the clipboard").isTrue();
        assertNoSeriousAccessibilityViolations("my tokens (secret shown)");
        // no secret is ever committed, not even a dead one in a picture: the screenshot shows a masked value
        driver.executeScript("document.getElementById('new-secret').value = 'lkp_' + '\u2022'.repeat(36)");
        screenshot("my-tokens-secret");

        Git.Result clone = git.withBearer(Files.createDirectories(tmp.resolve("w1")), secret, "clone",
                base + "/scm/DEMO/demo-repo.git", "repo");
        assertThat(clone.exit()).as("git clone with the token copied from the page").isZero();

        // the secret lives in page memory only: a reload shows the list, never the secret
        driver.navigate().refresh();
        page("/latchkey/", "My API tokens");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id]")));
        assertThat(driver.findElements(By.id("new-secret"))).isEmpty();
        assertThat(driver.getPageSource().contains(secret)).as("the secret is in the page after a reload").isFalse();
        Object stored = driver.executeScript("return JSON.stringify(Object.assign({}, localStorage, sessionStorage))");
        assertThat(String.valueOf(stored).contains(secret)).as("the secret in web storage").isFalse();
        assertThat(driver.findElement(By.cssSelector("tr[data-id]")).getText()).contains("laptop git", "active", "Read", "DEMO");
        // last use is recorded in batches (every 5 s in the demo): the list shows when and from where, once flushed
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!rowsText().get(0).contains("from 127.0.0.1") && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            driver.navigate().refresh();
            page("/latchkey/", "My API tokens");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id]")));
        }
        assertThat(rowsText().get(0)).contains("from 127.0.0.1").doesNotContain("never");
        screenshot("my-tokens");

        // revoke in the page, with a reason; git fetch stops working
        driver.findElement(By.cssSelector("button[aria-label='Revoke token laptop git']")).click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open]")));
        assertThat(dialog.getText()).contains("Revoke token \"laptop git\"?", "cannot be undone");
        assertNoSeriousAccessibilityViolations("revoke dialog");
        dialog.findElement(By.cssSelector("[data-field=reason]")).sendKeys("laptop lost");
        dialog.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".banner.ok"), "was revoked"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-id]"), "revoked"));
        Git.Result fetch = git.withBearer(tmp.resolve("w1").resolve("repo"), secret, "fetch", "origin");
        assertThat(fetch.exit()).as("git fetch with the revoked token").isNotZero();
    }

    @Test
    @Order(3)
    void myTokensWhenBobMayOnlyReadThenWriteIsNotOfferedAndServerRefusesIt() throws Exception {
        signIn("bob");
        page("/latchkey/", "My API tokens");
        List<String> offered = new Select(driver.findElement(By.cssSelector("[data-field=level]"))).getOptions()
                .stream().map(o -> o.getDomProperty("value")).toList();
        assertThat(offered).containsExactly("READ");
        assertThat(driver.findElements(By.linkText("Token manager"))).isEmpty();
        assertThat(driver.findElements(By.linkText("Policy"))).isEmpty();
        // the server still refuses what the page does not offer
        HttpResponse<String> r = rest("bob", "POST", "/tokens", "{\"name\":\"sneaky\",\"level\":\"WRITE\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        screenshot("my-tokens-read-only");
    }

    @Test
    @Order(4)
    void myTokensWhenNarrowScreenThenNoHorizontalScrolling() throws Exception {
        signIn("alice");
        driver.manage().window().setSize(new Dimension(400, 900));
        try {
            page("/latchkey/", "My API tokens");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id]")));
            Object overflow = driver.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(((Number) overflow).intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
            screenshot("my-tokens-narrow");
        } finally {
            driver.manage().window().setSize(new Dimension(1280, 1000));
        }
    }

    @Test
    @Order(5)
    void myTokensWhenKeyboardOnlyThenSkipLinkFocusAndCreateWithoutMouse() {
        signIn("alice");
        page("/latchkey/", "My API tokens");
        driver.findElement(By.tagName("body")).sendKeys(Keys.TAB);
        WebElement skip = driver.switchTo().activeElement();
        assertThat(skip.getText()).isEqualTo("Skip to content");
        assertThat(skip.getCssValue("outline-style")).as("visible focus").isEqualTo("solid");
        skip.sendKeys(Keys.ENTER);
        assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("main");
        // tab to the name field, type, and press Enter in it: the form submits, the secret panel takes focus
        WebElement name = driver.findElement(By.cssSelector("[data-field=name]"));
        for (int i = 0; i < 40 && !driver.switchTo().activeElement().equals(name); i++) {
            driver.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        assertThat(driver.switchTo().activeElement()).as("the name field is reachable with Tab").isEqualTo(name);
        name.sendKeys("keyboard only", Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-secret")));
        assertThat(driver.switchTo().activeElement().getAttribute("class")).isEqualTo("secret");
        driver.navigate().refresh();
        page("/latchkey/", "My API tokens");
        assertThat(driver.findElements(By.id("new-secret"))).isEmpty();
    }

    @Test
    @Order(6)
    void managerWhenAdminFiltersAliceThenBulkRevokeAfterConfirmationAndAuditShowsIt() throws Exception {
        for (String n : List.of("ci nightly", "deploy")) {
            assertThat(rest("alice", "POST", "/tokens", "{\"name\":\"" + n + "\",\"level\":\"READ\"}").statusCode())
                    .isEqualTo(201);
        }
        assertThat(rest("bob", "POST", "/tokens", "{\"name\":\"bob laptop\",\"level\":\"READ\"}").statusCode())
                .isEqualTo(201);
        signIn("admin");
        page("/latchkey/manager", "Token manager");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id]")));
        assertNoSeriousAccessibilityViolations("token manager");
        driver.findElement(By.cssSelector("#filters [data-field=owner]")).sendKeys("alice");
        new Select(driver.findElement(By.cssSelector("#filters [data-field=state]"))).selectByValue("ACTIVE");
        driver.findElement(By.cssSelector("#filters [data-field=owner]")).submit();
        // alice's active tokens: "keyboard only" (made in the page) and the two made through the API
        wait.until(d -> rowsText().size() == 3 && rowsText().stream().allMatch(t -> t.contains("alice")));
        screenshot("token-manager");

        driver.findElement(By.id("bulk-revoke")).click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open]")));
        assertThat(dialog.getText()).contains("Revoke 3 tokens?", "owner = alice");
        screenshot("token-manager-bulk-revoke");
        assertNoSeriousAccessibilityViolations("bulk revoke dialog");
        dialog.findElement(By.cssSelector("[data-field=reason]")).sendKeys("offboarding");
        dialog.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".banner.ok"), "3 tokens were revoked"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("main .empty")));
        JsonNode bobs = JSON.readTree(rest("bob", "GET", "/tokens", null).body());
        assertThat(bobs.get("items").get(0).get("state").asText()).as("bob's token is untouched").isEqualTo("ACTIVE");

        page("/latchkey/audit", "Audit log");
        driver.findElement(By.cssSelector("[data-field=owner]")).sendKeys("alice");
        new Select(driver.findElement(By.cssSelector("[data-field=type]"))).selectByValue("TOKEN_REVOKED");
        driver.findElement(By.cssSelector("[data-field=owner]")).submit();
        wait.until(d -> rowsText().size() == 4);
        assertThat(rowsText()).allMatch(t -> t.contains("TOKEN_REVOKED") && t.contains("(alice)"));
        assertThat(String.join("\n", rowsText())).contains("offboarding", "laptop lost");
        screenshot("audit");
        assertNoSeriousAccessibilityViolations("audit");
    }

    @Test
    @Order(7)
    void policyWhenBadValueThenErrorShownOnThatField() throws Exception {
        signIn("admin");
        page("/latchkey/policy", "Token policy");
        WebElement max = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-field=maxTokensPerUser]")));
        assertNoSeriousAccessibilityViolations("policy");
        max.clear();
        max.sendKeys("lots");
        max.submit();
        wait.until(ExpectedConditions.attributeToBe(max, "aria-invalid", "true"));
        WebElement error = driver.findElement(By.id(max.getAttribute("id") + "-error"));
        assertThat(error.getText()).contains("maxTokensPerUser");
        assertThat(driver.switchTo().activeElement()).isEqualTo(max);
        screenshot("policy-error");
        assertNoSeriousAccessibilityViolations("policy (error)");
    }

    @Test
    @Order(8)
    void consoleWhenLoadedThenStrictHeadersAndNoInlineScriptOrStyle() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/latchkey/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v)
                .contains("default-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline"));
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.body()).doesNotContain("<script>", "style=", "<style");
        // nothing is fetched from anywhere but the host
        driver.get(base + "/latchkey/");
        Object violations = driver.executeScript("return performance.getEntriesByType('resource')"
                + ".filter(e => !e.name.startsWith(location.origin)).map(e => e.name)");
        assertThat((List<?>) violations).as("requests to other origins").isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private void signIn(String user) {
        driver.get(base + "/login");
        driver.manage().deleteAllCookies();
        driver.get(base + "/login?next=/latchkey/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user"))).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(user, Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".user"), "Signed in as " + user));
    }

    /** Opens a page and waits until it rendered its heading and finished loading. */
    private void page(String path, String heading) {
        if (!driver.getCurrentUrl().equals(base + path)) {
            driver.get(base + path);
        }
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main h1"), heading));
        wait.until(d -> d.findElements(By.cssSelector("[aria-busy=true]")).isEmpty());
    }

    private List<String> rowsText() {
        // one script, so a re-render between finding and reading a row cannot make it stale
        List<?> rows = (List<?>) driver.executeScript(
                "return [...document.querySelectorAll('tbody tr')].map(r => r.innerText)");
        return rows.stream().map(String::valueOf).toList();
    }

    private HttpResponse<String> rest(String user, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/rest/latchkey/1.0" + path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)));
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void screenshot(String name) throws IOException {
        Files.write(screenshots.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    private void assertNoSeriousAccessibilityViolations(String what) {
        if (Boolean.TRUE.equals(driver.executeScript("return typeof axe === 'undefined'"))) {
            driver.executeScript(axeSource()); // once per loaded page
        }
        Object result = driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, { resultTypes: ['violations'] })"
                + ".then(r => done(JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                + ".map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) })))))"
                + ".catch(e => done('axe failed: ' + e));");
        assertThat(String.valueOf(result)).as("serious or critical accessibility violations on " + what).isEqualTo("[]");
    }

    private static String axeSource;

    private static String axeSource() {
        if (axeSource == null) {
            String path = "/META-INF/resources/webjars/axe-core/" + System.getProperty("axe-core.version", "4.6.3")
                    + "/axe.min.js";
            try (InputStream in = ConsoleBrowserTest.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new AssertionError("axe-core is not on the test class path at " + path);
                }
                axeSource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return axeSource;
    }
}
