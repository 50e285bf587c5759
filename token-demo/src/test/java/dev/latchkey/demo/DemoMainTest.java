package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: arguments, the "listening" line, and a restart on the same data directory. */
class DemoMainTest {
    private static final Pattern LISTENING = Pattern.compile("Latchkey demo listening on (http://127\\.0\\.0\\.1:(\\d+))");

    @TempDir
    Path tmp;

    /** A demo started through {@link DemoMain#run} on a thread, with its output captured. */
    private static final class Running implements AutoCloseable {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<Void> stop = new CompletableFuture<>();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        URI base;

        Running(String... args) throws Exception {
            PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
            Thread t = new Thread(() -> exit.complete(DemoMain.run(args, o, e, stop)), "demo-main-test");
            t.setDaemon(true);
            t.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && !exit.isDone()) {
                Matcher m = LISTENING.matcher(out.toString(StandardCharsets.UTF_8));
                if (m.find()) {
                    base = URI.create(m.group(1));
                    return;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no listening line; stdout: " + out.toString(StandardCharsets.UTF_8)
                    + " stderr: " + err.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws Exception {
            stop.complete(null);
            assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void runWhenPortZeroThenPrintsTheListeningLineAndHowToTryIt() throws Exception {
        Path data = tmp.resolve("data");
        try (Running demo = new Running("--port", "0", "--data", data.toString())) {
            String out = demo.out.toString(StandardCharsets.UTF_8);
            assertThat(out.lines().findFirst().orElseThrow()).matches(LISTENING.pattern());
            assertThat(out).contains("Mode: single node");
            assertThat(out).contains("curl ", "git ", demo.base + "/scm/DEMO/demo-repo.git",
                    demo.base + "/rest/latchkey/1.0/tokens");
            assertThat(data.resolve(DemoConfig.FILE_NAME)).exists();
            assertThat(data.resolve("repos/DEMO/demo-repo.git")).isDirectory();
            assertThat(new DemoClient(demo.base).get("/", null).body()).contains("Latchkey demo host");
        }
    }

    @Test
    void runWhenRestartedOnTheSameDataThenTokensStillWork() throws Exception {
        Path data = tmp.resolve("data");
        String token;
        try (Running first = new Running("--port=0", "--data=" + data)) {
            token = new DemoClient(first.base).createToken("alice", "{\"name\":\"survives\",\"level\":\"READ\"}")
                    .get("token").asText();
        }
        try (Running second = new Running("--port", "0", "--data", data.toString())) {
            DemoClient.Response who = new DemoClient(second.base).get("/rest/api/1.0/whoami", DemoClient.bearer(token));
            assertThat(who.status()).as(who.body()).isEqualTo(200);
            assertThat(who.json().get("user").asText()).isEqualTo("alice");
            String out = second.out.toString(StandardCharsets.UTF_8) + second.err.toString(StandardCharsets.UTF_8);
            assertThat(out).doesNotContain(token);
        }
    }

    @Test
    void runWhenArgumentsAreBadThenUsageAndExitTwo() {
        for (String[] args : new String[][] {{"--port", "x"}, {"--port"}, {"--port", "70000"}, {"--bogus"},
                {"--jdbc-user", "u"}, {"--jdbc-url", "postgres://nope"},
                {"--node-name", "a"}, {"--cluster-bound", "2s"},
                {"--jdbc-url", "jdbc:postgresql://h/d", "--cluster-bound", "soon"},
                {"--jdbc-url", "jdbc:postgresql://h/d", "--cluster-bound", "-2s"},
                {"--jdbc-url", "jdbc:postgresql://h/d", "--cluster-bound", "0s"},
                {"--jdbc-url", "jdbc:postgresql://h/d", "--cluster-bound", "50ms"},
                {"--jdbc-url", "jdbc:postgresql://h/d", "--cluster-bound", "2s", "--poll-interval", "1500ms"},
                {"--jdbc-url", "jdbc:postgresql://h/d", "--node-name", "a b"},
                {"--jdbc-url", "jdbc:postgresql://h/d", "--node-name", "\u001b[31mred"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = DemoMain.run(args, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8), CompletableFuture.completedFuture(null));
            assertThat(code).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("latchkey-demo: ").contains("Usage:");
        }
    }

    @Test
    void runWhenHelpThenUsageAndExitZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = DemoMain.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()), CompletableFuture.completedFuture(null));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--port", "--data", "--jdbc-url");
    }

    @Test
    void runWhenConfigHasABadValueThenExitOneNamingTheKey() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("bad"));
        Path config = data.resolve(DemoConfig.FILE_NAME);
        DemoConfig.writeDefaultIfAbsent(config);
        Files.writeString(config, Files.readString(config).replace("policy.maxTokensPerUser=100",
                "policy.maxTokensPerUser=lots"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DemoMain.run(new String[] {"--port", "0", "--data", data.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                CompletableFuture.completedFuture(null));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("policy.maxTokensPerUser", "lots");
    }

    @Test
    void parseWhenClusterOptionsGivenThenClusterNodeWithThatBoundAndPoll() {
        DemoServer.Options o = DemoMain.parse(new String[] {"--jdbc-url", "jdbc:postgresql://127.0.0.1/x",
                "--node-name", "node-A.1", "--cluster-bound", "PT3S", "--poll-interval=250ms"}).orElseThrow();
        DemoServer.Cluster c = o.cluster().orElseThrow();
        assertThat(c.nodeName()).isEqualTo("node-A.1");
        assertThat(c.options().stalenessBound()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.options().pollInterval()).isEqualTo(Duration.ofMillis(250));
        DemoServer.Options bound = DemoMain.parse(new String[] {"--jdbc-url", "jdbc:mariadb://127.0.0.1/x",
                "--cluster-bound", "1s"}).orElseThrow();
        assertThat(bound.cluster().orElseThrow().options().pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(bound.cluster().orElseThrow().nodeName()).startsWith("node-");
        assertThat(DemoMain.parse(new String[] {"--jdbc-url", "jdbc:postgresql://127.0.0.1/x"}).orElseThrow().cluster())
                .as("single node unless asked").isEmpty();
    }

    @Test
    void parseWhenClusterBoundIsHostileThenUsageErrorNamingTheOptionAndCutShort() {
        String huge = "9".repeat(5000) + "s";
        assertThatThrownBy(() -> DemoMain.parse(new String[] {"--jdbc-url", "jdbc:postgresql://h/d", "--cluster-bound", huge}))
                .isInstanceOf(DemoMain.UsageException.class).hasMessageStartingWith("--cluster-bound")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(200));
        assertThatThrownBy(() -> DemoMain.parse(new String[] {"--jdbc-url", "jdbc:postgresql://h/d", "--poll-interval", "PT-1S"}))
                .isInstanceOf(DemoMain.UsageException.class).hasMessageStartingWith("--poll-interval");
    }

    @Test
    void parseWhenJdbcPasswordGivenThenOptionsNeverPrintIt() {
        DemoServer.Options o = DemoMain.parse(new String[] {"--jdbc-url", "jdbc:postgresql://127.0.0.1/x",
                "--jdbc-user", "u", "--jdbc-password", "s3cret-value"}).orElseThrow();
        assertThat(o.jdbcPassword()).isEqualTo("s3cret-value");
        assertThat(o.toString()).doesNotContain("s3cret-value");
        assertThatThrownBy(() -> DemoMain.parse(new String[] {"--data", ""}))
                .isInstanceOf(DemoMain.UsageException.class);
    }
}
