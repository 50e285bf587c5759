package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: no class in token-core's main code is longer than {@value #LIMIT} lines of code, so each stays a room
 * with one role. Lines of code: blank lines and comment lines (Javadoc included) do not count, so documenting the
 * public API completely (issue 11's doclint rule) never forces a split. A top-level class counts its whole file, a
 * nested class its own declaration; a class nested in another is not counted twice. Reads {@code src/main/java}
 * (Maven runs tests from the module directory).
 */
class ClassSizeTest {
    static final int LIMIT = 300;
    private static final Path MAIN = Path.of("src", "main", "java");
    private static final Pattern TYPE = Pattern.compile("(?<![.\\w])(class|interface|enum|record)\\s+([A-Za-z_]\\w*)");

    @Test
    void mainSourcesWhenMeasuredThenNoClassIsLongerThanTheLimit() throws IOException {
        assertThat(MAIN).as("token-core's main sources, read from the module directory").isDirectory();
        TreeMap<String, Integer> tooLong = new TreeMap<>();
        int measured = 0;
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = MAIN.relativize(f).toString();
                for (TypeSize t : measure(Files.readString(f, StandardCharsets.UTF_8))) {
                    measured++;
                    if (t.lines() > LIMIT) {
                        tooLong.put(name + " " + t.name(), t.lines());
                    }
                }
            }
        }
        assertThat(measured).as("types measured").isGreaterThan(60);
        assertThat(tooLong).as("classes over %d lines: split them by role (see ARCHITECTURE.md)", LIMIT).isEmpty();
    }

    @Test
    void measureWhenNestedTypesThenEachCountsOnlyItsOwnLines() {
        String source = String.join("\n",
                "package x;",                                   // 1
                "/** A { brace in a comment. */",               // 2
                "public final class Outer {",                   // 3
                "    String s = \"} not a brace\";",             // 4
                "    char c = '{';",                             // 5
                "    Class<?> k = Outer.class;",                 // 6
                "    static final class Inner {",               // 7
                "        void m() {",                            // 8
                "        }",                                     // 9
                "        record Deep(int a) {",                  // 10
                "        }",                                     // 11
                "    }",                                         // 12
                "    // a record is not declared here",         // 13
                "}",                                             // 14
                "");
        // Outer: 12 lines of code in the file (lines 2, 13 and 15 are a comment, a comment and blank), 6 of them Inner's
        assertThat(measure(source)).containsExactlyInAnyOrder(
                new TypeSize("Outer", 12 - 6), new TypeSize("Inner", 6 - 2), new TypeSize("Deep", 2));
    }

    record TypeSize(String name, int lines) {
    }

    /** The types declared in one source file with their own counts of lines of code. */
    static List<TypeSize> measure(String source) {
        String code = blankCommentsAndLiterals(source);
        String[] lines = code.split("\n", -1);
        int fileLines = lines.length;
        int[] codeBefore = new int[fileLines + 1]; // codeBefore[k]: lines of code among lines 1..k
        for (int k = 1; k <= fileLines; k++) {
            codeBefore[k] = codeBefore[k - 1] + (lines[k - 1].isBlank() ? 0 : 1);
        }
        List<int[]> spans = new ArrayList<>(); // start offset, end offset, start line, end line
        List<String> names = new ArrayList<>();
        Matcher m = TYPE.matcher(code);
        while (m.find()) {
            int open = code.indexOf('{', m.end());
            if (open < 0) {
                continue;
            }
            int depth = 0;
            int end = open;
            for (int i = open; i < code.length(); i++) {
                char ch = code.charAt(i);
                if (ch == '{') {
                    depth++;
                } else if (ch == '}' && --depth == 0) {
                    end = i;
                    break;
                }
            }
            spans.add(new int[] {m.start(), end, lineOf(code, m.start()), lineOf(code, end)});
            names.add(m.group(2));
        }
        List<TypeSize> sizes = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            int[] s = spans.get(i);
            int own = i == 0 ? codeBefore[fileLines] : codeBefore[s[3]] - codeBefore[s[2] - 1];
            for (int j = 0; j < spans.size(); j++) {
                int[] n = spans.get(j);
                if (j != i && n[0] > s[0] && n[1] <= s[1] && directlyInside(spans, j, i)) {
                    own -= codeBefore[n[3]] - codeBefore[n[2] - 1];
                }
            }
            sizes.add(new TypeSize(names.get(i), own));
        }
        return sizes;
    }

    /** Whether type {@code inner} lies in {@code outer} with no other type between them. */
    private static boolean directlyInside(List<int[]> spans, int inner, int outer) {
        int[] in = spans.get(inner);
        int[] out = spans.get(outer);
        for (int k = 0; k < spans.size(); k++) {
            int[] mid = spans.get(k);
            if (k != inner && k != outer && mid[0] > out[0] && mid[1] <= out[1] && in[0] > mid[0] && in[1] <= mid[1]) {
                return false;
            }
        }
        return true;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Comments, string, text-block and char literals become spaces (newlines kept), so braces in them do not count. */
    static String blankCommentsAndLiterals(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            String end = null;
            if (s.startsWith("//", i)) {
                end = "\n";
            } else if (s.startsWith("/*", i)) {
                end = "*/";
            } else if (s.startsWith("\"\"\"", i)) {
                end = "\"\"\"";
            } else if (c == '"' || c == '\'') {
                end = String.valueOf(c);
            }
            if (end == null) {
                out.append(c);
                i++;
                continue;
            }
            int from = i + (end.equals("\"\"\"") ? 3 : end.equals("*/") || end.equals("\n") ? 2 : 1);
            int j = from;
            while (j < s.length() && !s.startsWith(end, j)) {
                j += s.charAt(j) == '\\' && end.length() == 1 && end.charAt(0) != '\n' ? 2 : 1;
            }
            int stop = Math.min(s.length(), end.equals("\n") ? j : j + end.length());
            for (int k = i; k < stop; k++) {
                out.append(s.charAt(k) == '\n' ? '\n' : ' ');
            }
            i = stop;
        }
        return out.toString();
    }
}
