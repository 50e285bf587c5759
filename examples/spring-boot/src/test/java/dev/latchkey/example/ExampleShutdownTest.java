package dev.latchkey.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.latchkey.jdbc.JdbcTokenStore;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example as a real process stopped the way a service manager stops it (SIGTERM): the JVM's shutdown hooks run
 * (Spring's, and H2's own, which closes any database whose URL does not say {@code DB_CLOSE_ON_EXIT=FALSE}), and the
 * use of a token made just before is in the database afterwards, with no failed last-use flush in the log.
 */
class ExampleShutdownTest {
    private static final Pattern PORT = Pattern.compile("started on port (\\d+)");

    @TempDir
    Path tmp;

    @Test
    void sigtermWhenATokenWasJustUsedThenItsLastUseIsWrittenBeforeTheDatabaseCloses() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        // a file database, so it can be read after the process is gone; the URL keeps what the example's says
        String url = "jdbc:h2:file:" + tmp.resolve("example").toString().replace('\\', '/') + ";DB_CLOSE_ON_EXIT=FALSE";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        Process p = new ProcessBuilder(java, "-cp", classpath, ExampleApplication.class.getName(), "--server.port=0",
                "--server.address=127.0.0.1", "--spring.datasource.url=" + url, "--spring.datasource.username=sa", "--example.password=" + password)
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    Matcher m = PORT.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (java.io.IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("the example stopped before it listened"));
        });
        reader.start();
        String id;
        String secret;
        try {
            int listening = port.get(120, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            String basic = "Basic " + Base64.getEncoder().encodeToString(("alice:" + password)
                    .getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listening
                            + "/rest/latchkey/1.0/tokens")).header("Authorization", basic)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\",\"level\":\"READ\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            id = JsonPath.read(created.body(), "$.id");
            secret = JsonPath.read(created.body(), "$.token");
            HttpResponse<String> used = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listening
                    + "/api/me")).header("Authorization", "Bearer " + secret).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(used.statusCode()).as(used.body()).isEqualTo(200);
            p.destroy(); // SIGTERM: the JVM runs its shutdown hooks
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        reader.join(5_000);
        String output;
        synchronized (lines) {
            output = String.join("\n", lines);
        }
        assertThat(output).doesNotContain(secret).doesNotContain("could not record last use");
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser("sa");
        assertThat(JdbcTokenStore.builder(h2).build().findById(id).orElseThrow().lastUse())
                .as("the use made just before the SIGTERM").isPresent();
        assertThat(Files.list(tmp).map(Path::toFile).map(File::getName)).anyMatch(n -> n.startsWith("example"));
    }
}
