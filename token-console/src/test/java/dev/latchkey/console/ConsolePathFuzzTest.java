package dev.latchkey.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import java.util.Set;

/**
 * Fuzzes the two places where outside text reaches {@link ConsoleServlet}: the request path (which asset is
 * served) and the configured paths (written into every page). For any path, an asset is served only when the path
 * is exactly {@code /assets/VERSION/<listed name>}; for any configured value, the result is either refused or a
 * path of letters, digits and {@code /._-} with no {@code ..} and no {@code //}, inert in HTML and in a URL.
 *
 * <p>{@code mvn verify} fuzzes this for a fixed time (the {@code fuzz-console-paths} surefire execution).
 */
class ConsolePathFuzzTest {
    private static final Set<String> LISTED = Set.of("console.css", "strings.en.json", "app.js", "api.js", "ui.js",
            "strings.js", "tokenform.js", "mine.js", "manager.js", "audit.js", "policy.js");

    @FuzzTest(maxDuration = "10s")
    void assetAndCheckPathWhenAnyInputThenOnlyListedAssetsAndInertPaths(FuzzedDataProvider data) {
        boolean versioned = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        String path = versioned ? "/assets/" + ConsoleServlet.VERSION + "/" + text : text;
        Optional<String> asset = ConsoleServlet.asset(path);
        if (asset.isPresent()) {
            assertThat(LISTED).contains(asset.get());
            assertThat(path).isEqualTo("/assets/" + ConsoleServlet.VERSION + "/" + asset.get());
        }
        String checked;
        try {
            checked = ConsoleServlet.checkPath("apiPath", text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("apiPath").matches("[\\x20-\\x7e]*");
            return;
        }
        assertThat(checked).matches("/[A-Za-z0-9/._-]*").doesNotContain("..", "//", "\"", "<", ">", "&");
    }
}
