package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command: {@code java -jar token-demo/target/latchkey-demo.jar}, as a separate process
 * from the shaded jar (so service files, the manifest and the logging backend are checked as users get them).
 */
class DemoJarIT {
    private static final Pattern LISTENING = Pattern.compile("Latchkey demo listening on (http://127\\.0\\.0\\.1:\\d+)");

    @TempDir
    Path tmp;

    @Test
    void jarWhenStartedThenServesTokensTheRestApiAndGitAndStopsCleanly() throws Exception {
        Path jar = Path.of(System.getProperty("latchkey.demo.jar", "target/latchkey-demo.jar"));
        assertThat(jar).as("the shaded jar (mvn package)").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-jar", jar.toAbsolutePath().toString(), "--port", "0")
                .directory(tmp.toFile()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        CompletableFuture<URI> base = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        base.complete(URI.create(m.group(1)));
                    }
                }
            } catch (IOException e) {
                base.completeExceptionally(e);
            }
            base.completeExceptionally(new AssertionError("the demo exited before listening"));
        }, "demo-jar-output");
        reader.setDaemon(true);
        reader.start();
        try {
            URI uri = base.get(90, TimeUnit.SECONDS);
            DemoClient http = new DemoClient(uri);
            String token = http.createToken("alice", "{\"name\":\"jar\",\"level\":\"READ\"}").get("token").asText();
            DemoClient.Response who = http.get("/rest/api/1.0/whoami", DemoClient.bearer(token));
            assertThat(who.status()).as(who.body()).isEqualTo(200);
            assertThat(http.get("/rest/api/1.0/projects", DemoClient.basic("alice", "alice")).body())
                    .contains("use an API token");
            if (Git.version() != null) {
                Git git = new Git(tmp);
                Git.Result clone = git.withBearer(Files.createDirectories(tmp.resolve("w")), token, "clone",
                        uri + "/scm/DEMO/demo-repo.git", "repo");
                assertThat(clone.exit()).as(clone.output()).isZero();
            }
            assertThat(tmp.resolve("latchkey-demo-data/" + DemoConfig.FILE_NAME)).exists();
            p.destroy(); // SIGTERM: the shutdown hook stops the demo
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(5_000);
            String output;
            synchronized (lines) {
                output = String.join("\n", lines);
            }
            assertThat(output).doesNotContain(token);
            assertThat(output).doesNotContain("could not record last use");
            assertThat(output).contains("TOKEN_CREATED");
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }
}
