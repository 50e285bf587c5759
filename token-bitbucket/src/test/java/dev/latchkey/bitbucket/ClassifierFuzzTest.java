package dev.latchkey.bitbucket;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.classify.Requirement;
import dev.latchkey.core.classify.UnclassifiableRequestException;
import dev.latchkey.spi.AccessLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The classifier against the reference table of documented endpoints:
 * <ol>
 *   <li>a documented endpoint with random ids, version and method spelling is never asked less than the
 *       documented permission (or refused as unclassifiable);</li>
 *   <li>any path under {@code /rest/} (built from the table's words, random words, extra segments and
 *       encodings) with a non-safe method needs the highest level — ADMIN — unless it is a documented
 *       endpoint for that method.</li>
 * </ol>
 * {@code mvn verify} runs this in fuzzing mode for a fixed time (surefire execution {@code fuzz} sets
 * {@code JAZZER_FUZZ=1}); otherwise JUnit replays the stored inputs only.
 */
class ClassifierFuzzTest {
    private static final BitbucketRequestClassifier BB = new BitbucketRequestClassifier();
    private static final List<DocumentedEndpoints.Row> ROWS = DocumentedEndpoints.ROWS;
    private static final List<Pattern> PATTERNS = new ArrayList<>();
    private static final List<String> WORDS;

    static {
        TreeSet<String> words = new TreeSet<>(List.of("1.0", "latest", "2.0", "9.9", "git-upload-pack", "..", ".",
                "%2e", "a;b", "", "latchkey"));
        for (DocumentedEndpoints.Row row : ROWS) {
            PATTERNS.add(pattern(row.template()));
            for (String seg : row.template().substring(1).split("/")) {
                if (!seg.startsWith("{")) {
                    words.add(seg);
                }
            }
        }
        WORDS = List.copyOf(words);
    }

    /** The template as a regular expression over request paths (tests only: the classifier uses a trie). */
    private static Pattern pattern(String template) {
        StringBuilder re = new StringBuilder("/rest");
        for (String seg : template.substring(1).split("/")) {
            if (seg.equals("{version}")) {
                re.append("/(1\\.0|latest|2\\.0)");
            } else if (seg.endsWith("*}")) {
                re.append("(/.*)?");
            } else if (seg.startsWith("{")) {
                re.append("/[^/]+");
            } else {
                re.append('/').append(Pattern.quote(seg));
            }
        }
        return Pattern.compile(re + "/?");
    }

    private static boolean documented(String method, String path) {
        if (path.startsWith("/rest/latchkey/")) {
            return true; // Latchkey's own API: levels by method, its servlet checks rights
        }
        for (int i = 0; i < ROWS.size(); i++) {
            if (ROWS.get(i).method().equalsIgnoreCase(method) && PATTERNS.get(i).matcher(path).matches()) {
                return true;
            }
        }
        return false;
    }

    private static String word(FuzzedDataProvider data, String alphabet, int max) {
        int n = data.consumeInt(1, max);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(data.consumeInt(0, alphabet.length() - 1)));
        }
        return sb.toString();
    }

    private static String spell(FuzzedDataProvider data, String method) {
        if (method.equals("GET") || !data.consumeBoolean()) {
            return method;
        }
        StringBuilder sb = new StringBuilder(method.length());
        for (char c : method.toCharArray()) {
            sb.append(data.consumeBoolean() ? Character.toLowerCase(c) : c);
        }
        return sb.toString();
    }

    @FuzzTest(maxDuration = "10s")
    void classifierWhenFedDocumentedAndArbitraryPathsThenNeverBelowDocumentedOrHighest(FuzzedDataProvider data) {
        String letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        if (data.consumeBoolean()) {
            // 1. a documented endpoint with random ids
            DocumentedEndpoints.Row row = ROWS.get(data.consumeInt(0, ROWS.size() - 1));
            String key = word(data, letters, 12);
            String slug = word(data, letters + ".", 12);
            String user = word(data, letters, 12);
            String id = word(data, "0123456789", 10);
            String tail = word(data, letters + "./", 30);
            String version = row.template().startsWith("/branch-permissions/") ? "2.0"
                    : data.consumeBoolean() ? "1.0" : "latest";
            String path = row.instantiate(version, name -> switch (name) {
                case "projectKey" -> key;
                case "repositorySlug" -> slug;
                case "userSlug" -> user;
                case "path*", "name*" -> tail;
                default -> id;
            });
            String method = spell(data, row.method());
            Requirement need;
            try {
                need = BB.classify(new RequestFacts(method, path, "", "10.0.0.1"));
            } catch (UnclassifiableRequestException refused) {
                return; // refused outright: never less than documented
            }
            String canonicalKey = key.toUpperCase(Locale.ROOT);
            assertThat(row.satisfiedBy(need, canonicalKey, canonicalKey + "/" + slug.toLowerCase(Locale.ROOT)))
                    .as(method + " " + path + " -> " + need + " for " + row).isTrue();
            return;
        }
        // 2. arbitrary paths under /rest/ with a non-safe method
        StringBuilder path = new StringBuilder("/rest");
        int segments = data.consumeInt(0, 10);
        for (int i = 0; i < segments; i++) {
            path.append('/');
            path.append(data.consumeBoolean() ? data.pickValue(WORDS) : word(data, letters + ".%~", 8));
        }
        if (data.consumeBoolean()) {
            path.append('/');
        }
        String method = data.pickValue(List.of("POST", "PUT", "DELETE", "PATCH", "post", "Delete", "pUt", "MOVE",
                "PROPFIND", "get", "GET ", "TRACE", "CONNECT"));
        String p = path.toString();
        Requirement need;
        try {
            need = BB.classify(new RequestFacts(method, p, "", "10.0.0.1"));
        } catch (UnclassifiableRequestException refused) {
            return;
        }
        if (need.level() != AccessLevel.ADMIN) {
            assertThat(documented(method, p)).as(method + " " + p + " -> " + need).isTrue();
        }
    }
}
