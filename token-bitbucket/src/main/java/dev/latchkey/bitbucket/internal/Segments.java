package dev.latchkey.bitbucket.internal;

/**
 * The segments of a normalised path, as offsets into it (no splitting). A trailing {@code '/'} adds no
 * segment. Segment text is materialised only on demand and cached, so the trie's hash lookups allocate at
 * most once per segment.
 */
public final class Segments {
    private final String path;
    private final int[] start;
    private final int[] end;
    private final String[] text;
    private final int count;
    private final int offset;

    private Segments(String path, int[] start, int[] end, int count, int offset) {
        this.path = path;
        this.start = start;
        this.end = end;
        this.count = count;
        this.offset = offset;
        this.text = new String[count];
    }

    /** The segments of {@code path} (which starts with '/'). */
    public static Segments of(String path) {
        int n = path.length();
        int c = 0;
        for (int i = 1; i <= n; i++) {
            if ((i == n || path.charAt(i) == '/') && path.charAt(i - 1) != '/') {
                c++;
            }
        }
        int[] s = new int[c];
        int[] e = new int[c];
        int k = 0;
        int segStart = 1;
        for (int i = 1; i <= n; i++) {
            if (i == n || path.charAt(i) == '/') {
                if (i > segStart) {
                    s[k] = segStart;
                    e[k] = i;
                    k++;
                }
                segStart = i + 1;
            }
        }
        return new Segments(path, s, e, c, 0);
    }

    /** These segments without the first {@code n}. */
    public Segments drop(int n) {
        Segments d = new Segments(path, start, end, count, offset + n);
        return d;
    }

    public int count() {
        return count - offset;
    }

    public String path() {
        return path;
    }

    public int start(int i) {
        return start[offset + i];
    }

    public int end(int i) {
        return end[offset + i];
    }

    /** Segment {@code i}'s text. */
    public String segment(int i) {
        int j = offset + i;
        String t = text[j];
        if (t == null) {
            t = path.substring(start[j], end[j]);
            text[j] = t;
        }
        return t;
    }

    /** Whether segment {@code i} exists and equals {@code word}. */
    public boolean is(int i, String word) {
        int j = offset + i;
        return j < count && end[j] - start[j] == word.length() && path.startsWith(word, start[j]);
    }
}
