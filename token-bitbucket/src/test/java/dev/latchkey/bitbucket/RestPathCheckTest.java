package dev.latchkey.bitbucket;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.classify.PathCheck;
import dev.latchkey.core.classify.UnclassifiableRequestException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The classifier checks a {@code /rest/} path's normalisation in the same pass that matches it (for speed), so it
 * must refuse exactly the paths {@link PathCheck#requireNormalised} refuses, with the same message: empty, "." and
 * ".." segments, control characters, {@code ;}, {@code \}, {@code %}, anywhere in the path.
 */
class RestPathCheckTest {
    private static final BitbucketRequestClassifier BB = new BitbucketRequestClassifier();
    private static final String[] PARTS = {"/", "a", "A", ".", "..", ";", "%", "\\", "\u0001", "\u007f", "\u00e9",
        "api", "1.0", "latest", "projects", "PRJ", "repos", "my-repo", "commits", "~u", "-", "_", "x.y"};

    /** The path checker's message for {@code path}, or null if it accepts it. */
    private static String pathCheck(String path) {
        try {
            PathCheck.requireNormalised(path);
            return null;
        } catch (UnclassifiableRequestException e) {
            return e.getMessage();
        }
    }

    private static void assertSameRefusal(String method, String path) {
        String expected = pathCheck(path);
        String actual = null;
        try {
            BB.classify(new RequestFacts(method, path, "", "10.0.0.1"));
        } catch (UnclassifiableRequestException e) {
            actual = e.getMessage();
        }
        if (expected != null) {
            assertThat(actual).as(method + " " + path).isEqualTo(expected);
        } else if (actual != null) {
            // a normalised path may still be refused, but only for what it names (a key or slug), never its form
            assertThat(actual).as(method + " " + path).doesNotContain("normalised").doesNotContain("ambiguous");
        }
    }

    @Test
    void classifyWhenRestPathHasDotSegmentsEmptySegmentsOrAmbiguousCharactersThenRefusedAsPathCheckDoes() {
        Random random = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder("/rest/");
            int parts = random.nextInt(14);
            for (int p = 0; p < parts; p++) {
                sb.append(PARTS[random.nextInt(PARTS.length)]);
            }
            assertSameRefusal(random.nextBoolean() ? "GET" : "POST", sb.toString());
        }
        assertSameRefusal("GET", "/rest/api/1.0/projects/PRJ/repos/my-repo/../../../admin/users");
        assertSameRefusal("DELETE", "/rest/api/1.0//admin/users");
        assertSameRefusal("GET", "/rest/api/1.0/projects/PRJ/repos/my-repo/commits;x");
        assertSameRefusal("GET", "/rest/api/1.0/projects/PRJ/repos/my-repo/commits/.");
        assertSameRefusal("GET", "/rest//");
    }

    @FuzzTest(maxDuration = "10s")
    void classifyWhenFedRestPathsThenRefusesExactlyWhatPathCheckRefuses(FuzzedDataProvider data) {
        String method = data.consumeBoolean() ? "GET" : "PUT";
        assertSameRefusal(method, "/rest/" + data.consumeRemainingAsString());
    }
}
