package dev.latchkey.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The root README's Spring section shows exactly what this example runs: its properties are in
 * {@code application.properties} and its security chain is {@link SecurityConfig}'s (white space aside), so
 * {@link ExampleApplicationTest} tests what the README shows.
 */
class ReadmeSpringTest {

    private static String block(String marker, String language) throws IOException {
        String readme = Files.readString(Path.of("..", "..", "README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<!-- " + Pattern.quote(marker) + "[^\\n]*-->\\n```" + language + "\\n(.*?)```",
                Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README.md has the %s block", marker).isTrue();
        return m.group(1);
    }

    private static String squash(String s) {
        return s.replaceAll("//[^\\n]*", "").replaceAll("\\s+", "");
    }

    @Test
    void readmeWhenShowingPropertiesThenTheExampleUsesExactlyThose() throws IOException {
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        for (String line : block("spring-example:properties", "properties").strip().split("\n")) {
            assertThat(properties.lines()).as("application.properties").contains(line.strip());
        }
        // and the example sets nothing else of Latchkey's
        assertThat(properties.lines().filter(l -> l.startsWith("latchkey."))).allSatisfy(l ->
                assertThat(block("spring-example:properties", "properties")).contains(l));
    }

    @Test
    void readmeWhenShowingTheChainThenTheExampleRunsExactlyThat() throws IOException {
        String config = Files.readString(Path.of("src/main/java/dev/latchkey/example/SecurityConfig.java"));
        assertThat(squash(config)).contains(squash(block("spring-example:chain", "java")));
    }
}
