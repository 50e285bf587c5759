package dev.latchkey.bitbucket.internal;

/**
 * The segments of a normalised path (see {@code PathCheck.requireNormalised}: no empty segment but a trailing
 * {@code '/'}), as offsets into it (no splitting, no copies). A trailing {@code '/'} adds
 * no segment. A view may skip leading segments ({@link #drop}) while sharing the offsets.
 */
public final class Segments {
    private final String path;
    private final int[] bounds; // start, end, start, end, ...
    private final int count;
    private final int offset;

    private Segments(String path, int[] bounds, int count, int offset) {
        this.path = path;
        this.bounds = bounds;
        this.count = count;
        this.offset = offset;
    }

    /** The segments of {@code path} (which starts with '/'). */
    public static Segments of(String path) {
        return of(path, Integer.MAX_VALUE);
    }

    /** The first {@code max} segments of {@code path} (which starts with '/'). */
    public static Segments of(String path, int max) {
        int n = path.length();
        int[] b = new int[2 * Math.min(max, 16)];
        int c = 0;
        int start = 1;
        while (start < n && c < max) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = n;
            }
            if (2 * c == b.length) {
                b = java.util.Arrays.copyOf(b, b.length * 2);
            }
            b[2 * c] = start;
            b[2 * c + 1] = end;
            c++;
            start = end + 1;
        }
        return new Segments(path, b, c, 0);
    }

    public int count() {
        return count - offset;
    }

    public String path() {
        return path;
    }

    public int start(int i) {
        return bounds[2 * (offset + i)];
    }

    public int end(int i) {
        return bounds[2 * (offset + i) + 1];
    }

    /** Segment {@code i}'s text (a copy). */
    public String segment(int i) {
        return path.substring(start(i), end(i));
    }

    /** Whether segment {@code i} exists and equals {@code word}. */
    public boolean is(int i, String word) {
        int j = offset + i;
        if (j >= count) {
            return false;
        }
        int s = bounds[2 * j];
        return bounds[2 * j + 1] - s == word.length() && path.startsWith(word, s);
    }
}
