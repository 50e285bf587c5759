package dev.latchkey.bitbucket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.bitbucket.internal.EndpointTrie.Method;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The deterministic matcher (one step per segment, no backtracking) answers exactly what the definition, a
 * depth-first walk of the segment trie with backtracking, answers: for every documented template, for paths
 * whose variable segments are literal words of the table (the case that makes the walk backtrack), and for
 * arbitrary paths built from the table's words.
 */
class EndpointTrieTest {
    private static final EndpointTrie TRIE = EndpointTrie.load();
    private static final List<String> TEMPLATES = new ArrayList<>();
    private static final List<String> WORDS;

    static {
        TreeSet<String> words = new TreeSet<>(List.of("1.0", "latest", "2.0", "x", "42", "DEMO", "demo-repo"));
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                EndpointTrie.class.getResourceAsStream("endpoints.tsv"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String template = line.split("\t")[1];
                TEMPLATES.add(template);
                for (String seg : template.substring(1).split("/")) {
                    if (!seg.startsWith("{")) {
                        words.add(seg);
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        WORDS = List.copyOf(words);
    }

    /** {@code /rest/} + path, as the classifier passes it: the match starts after {@code /rest/}. */
    private static void assertSame(String path) {
        String full = "/rest/" + path;
        for (Method m : Method.values()) {
            assertThat(TRIE.match(m, full, 6)).as(m + " " + full).isEqualTo(TRIE.matchByBacktracking(m, full, 6));
        }
    }

    @Test
    void matchWhenDocumentedTemplateThenSameAsBacktrackingDefinition() {
        Random random = new Random(10);
        int matched = 0;
        for (String template : TEMPLATES) {
            for (int variant = 0; variant < 20; variant++) {
                StringBuilder sb = new StringBuilder();
                for (String seg : template.substring(1).split("/")) {
                    if (sb.length() > 0) {
                        sb.append('/');
                    }
                    if (seg.equals("{v}")) {
                        sb.append(variant % 2 == 0 ? "1.0" : "latest");
                    } else if (seg.endsWith("*}")) {
                        sb.append(variant % 3 == 0 ? "" : WORDS.get(random.nextInt(WORDS.size())) + "/a");
                    } else if (seg.startsWith("{")) {
                        // a literal word of the table where a variable goes: the walk has to backtrack
                        sb.append(variant < 5 ? "x" + variant : WORDS.get(random.nextInt(WORDS.size())));
                    } else {
                        sb.append(seg);
                    }
                }
                String path = sb.toString();
                assertSame(path);
                assertSame(path + "/");
                if (TRIE.match(Method.GET, "/rest/" + path, 6) != null) {
                    matched++;
                }
            }
        }
        assertThat(matched).as("the instantiated templates mostly match").isGreaterThan(TEMPLATES.size());
    }

    @Test
    void matchWhenArbitraryPathOfTableWordsThenSameAsBacktrackingDefinition() {
        Random random = new Random(11);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder sb = new StringBuilder();
            int segments = 1 + random.nextInt(10);
            for (int s = 0; s < segments; s++) {
                if (s > 0) {
                    sb.append('/');
                }
                sb.append(s == 1 && random.nextBoolean() ? "1.0" : WORDS.get(random.nextInt(WORDS.size())));
            }
            assertSame(sb.toString());
        }
    }

    @Test
    void loadWhenTableShippedThenEveryPairKnownAndStatesFinite() {
        assertThat(TRIE.size()).isEqualTo(TEMPLATES.size());
        assertThat(TRIE.states()).isBetween(1, 10 * TEMPLATES.size());
    }

    @FuzzTest(maxDuration = "10s")
    void matchWhenFedPathsOfTableWordsThenSameAsBacktrackingDefinition(FuzzedDataProvider data) {
        StringBuilder sb = new StringBuilder();
        int segments = data.consumeInt(0, 12);
        for (int s = 0; s < segments; s++) {
            if (s > 0) {
                sb.append('/');
            }
            sb.append(data.consumeBoolean() ? data.pickValue(WORDS) : data.consumeAsciiString(6).replace('/', '_'));
        }
        if (data.consumeBoolean()) {
            sb.append('/');
        }
        String path = sb.toString();
        if (path.contains("//") || path.startsWith("/")) {
            return; // not a normalised path: the classifier refuses it before matching
        }
        assertSame(path);
    }
}
