package dev.latchkey.bitbucket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.bitbucket.internal.EndpointTrie.Method;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The matcher identifies a segment by its packed form ({@link EndpointTrie#pack}: the last eight characters, one byte
 * each) and its length. Segments built to collide with a documented literal word in that form must still be told
 * apart, exactly as the definition (string equality, {@link EndpointTrie#matchByBacktracking}) tells them apart:
 * a longer word with the same length and last eight characters, and a word with a character whose low byte is the
 * word's character (U+0170 for 'p'), which shifted into a long would overlap its neighbour.
 */
class PackedWordTest {
    private static final EndpointTrie TRIE = EndpointTrie.load();

    private static List<String[]> templates() {
        List<String[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                EndpointTrie.class.getResourceAsStream("endpoints.tsv"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.split("\t")[1].substring(1).split("/"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The template as a path, with segment {@code at} replaced by {@code replacement}. */
    private static String path(String[] segs, int at, String replacement) {
        StringBuilder sb = new StringBuilder("/rest");
        for (int i = 0; i < segs.length; i++) {
            String s = segs[i].equals("{v}") ? "latest" : segs[i].startsWith("{") ? "x1" : segs[i];
            sb.append('/').append(i == at ? replacement : s);
        }
        return sb.toString();
    }

    private static void assertSameAsDefinition(String path) {
        for (Method m : Method.values()) {
            assertThat(TRIE.match(m, path, 6)).as(m + " " + path).isEqualTo(TRIE.matchByBacktracking(m, path, 6));
        }
    }

    @Test
    void matchWhenSegmentSharesLengthAndLastEightCharactersWithLongWordThenNotThatWord() {
        int longWords = 0;
        for (String[] segs : templates()) {
            for (int i = 0; i < segs.length; i++) {
                String word = segs[i];
                if (word.length() > 8 && !word.startsWith("{")) {
                    longWords++;
                    char first = word.charAt(0) == 'q' ? 'z' : 'q';
                    String twin = first + word.substring(1); // same length, same last eight characters
                    String documented = path(segs, i, word);
                    String forged = path(segs, i, twin);
                    assertSameAsDefinition(documented);
                    assertSameAsDefinition(forged);
                }
            }
        }
        assertThat(longWords).as("the table has words over 8 characters").isGreaterThan(50);
    }

    @Test
    void matchWhenSegmentHasCharacterWhoseLowByteIsTheWordsThenNotThatWord() {
        int words = 0;
        for (String[] segs : templates()) {
            for (int i = 0; i < segs.length; i++) {
                String word = segs[i];
                if (!word.startsWith("{")) {
                    words++;
                    for (int k = 0; k < word.length(); k++) {
                        char[] cs = word.toCharArray();
                        cs[k] = (char) (cs[k] + 0x100);
                        assertSameAsDefinition(path(segs, i, new String(cs)));
                    }
                }
            }
        }
        assertThat(words).isGreaterThan(1000);
        // and the classifier's own view: "/rest/api/1.0/projects" spelled with U+0170 is no documented endpoint
        assertThat(TRIE.match(Method.GET, "/rest/api/1.0/\u0170rojects", 6)).isNull();
        assertThat(TRIE.match(Method.GET, "/rest/api/1.0/projects", 6)).isNotNull();
    }
}
