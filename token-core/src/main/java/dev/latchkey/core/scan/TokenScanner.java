package dev.latchkey.core.scan;

import dev.latchkey.spi.internal.SetOnce;
import dev.latchkey.core.TokenFormat;
import dev.latchkey.spi.TokenKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Finds this host's tokens in text or bytes: every string with a configured prefix, the exact length, the
 * base62 alphabet and a matching checksum, standing on its own (no letter or digit directly before or after
 * it). Look-alikes (a wrong checksum, a different prefix, a longer run of characters) are never reported.
 *
 * <p>Streaming: {@link #scan(Reader, Consumer)} and {@link #scan(InputStream, Consumer)} read through a fixed
 * buffer (about 16 KiB whatever the input size) and find tokens across read boundaries. Byte input is read as
 * ISO-8859-1, so offsets and columns are bytes and tokens inside UTF-8 text are found unchanged.
 *
 * <p>Nothing is logged. A {@link Finding} carries the token text only because the caller passed it in (to revoke
 * it by value); its {@code toString()} shows the hint. Immutable and thread-safe; build one per host and reuse it.
 *
 * @since 0.1
 */
public final class TokenScanner {
    private static final int CHUNK = 16 * 1024;
    private static final boolean[] BASE62 = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            BASE62[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            BASE62[c] = true;
            BASE62[Character.toLowerCase(c)] = true;
        }
    }

    private final List<TokenFormat> formats;
    private final char[][] prefixes;
    private final int body; // characters after the underscore
    private final int maxPrefix;
    private final Function<String, Optional<String>> idLookup;

    private TokenScanner(List<TokenFormat> formats, Function<String, Optional<String>> idLookup) {
        this.formats = List.copyOf(formats);
        Set<String> all = new LinkedHashSet<>();
        for (TokenFormat f : formats) {
            all.add(f.personalPrefix());
            all.add(f.servicePrefix());
        }
        this.prefixes = all.stream().map(String::toCharArray).toArray(char[][]::new);
        this.maxPrefix = all.stream().mapToInt(String::length).max().orElseThrow();
        this.body = TokenFormat.RANDOM_LENGTH + TokenFormat.CHECKSUM_LENGTH;
        this.idLookup = idLookup;
    }

    /**
     * A scanner for the tokens of {@code format}, with no id lookup.
     *
     * @param format the token format to find
     * @return the scanner
     * @throws NullPointerException if {@code format} is null
     */
    public static TokenScanner of(TokenFormat format) {
        return builder().format(format).build();
    }

    /**
     * A new builder.
     *
     * @return a builder with no format and no id lookup
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Every token in {@code text}, in order.
     *
     * @param text the text to scan
     * @return the findings, in the order they occur
     * @throws NullPointerException if {@code text} is null
     */
    public List<Finding> scan(CharSequence text) {
        Objects.requireNonNull(text, "text");
        List<Finding> out = new ArrayList<>();
        try {
            scan(new StringReader(text.toString()), out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        return out;
    }

    /**
     * Every token in {@code bytes} (read as ISO-8859-1: offsets and columns in bytes), in order.
     *
     * @param bytes the bytes to scan
     * @return the findings, in the order they occur
     * @throws NullPointerException if {@code bytes} is null
     */
    public List<Finding> scan(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return scan(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    /**
     * Streams {@code in} (read as ISO-8859-1, not closed) and hands each token found to {@code sink}, in order.
     *
     * @param in   the stream to scan; left open
     * @param sink receives each finding as it is found
     * @throws IOException          what the stream throws
     * @throws NullPointerException if an argument is null
     */
    public void scan(InputStream in, Consumer<Finding> sink) throws IOException {
        Objects.requireNonNull(in, "in");
        scan(new InputStreamReader(in, StandardCharsets.ISO_8859_1), sink);
    }

    /**
     * Streams {@code reader} (not closed) with bounded memory and hands each token found to {@code sink}, in
     * order.
     *
     * @param reader the reader to scan; left open
     * @param sink   receives each finding as it is found
     * @throws IOException what the reader throws
     * @throws NullPointerException if an argument is null
     */
    public void scan(Reader reader, Consumer<Finding> sink) throws IOException {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(sink, "sink");
        int keepBefore = maxPrefix + 1; // a prefix and the boundary character before it
        int needAfter = body + 1;       // the body and the boundary character after it
        char[] buf = new char[CHUNK + keepBefore + needAfter];
        int len = 0;
        long base = 0;        // absolute offset of buf[0]
        int scanFrom = 0;     // next underscore position to look at (buffer index)
        long line = 1;
        long lineStart = 0;   // absolute offset of the current line's first character
        int counted = 0;      // buffer index up to which newlines were counted
        boolean eof = false;
        while (!eof) {
            int n = reader.read(buf, len, buf.length - len);
            if (n < 0) {
                eof = true;
            } else {
                len += n;
            }
            int limit = eof ? len : len - needAfter;
            for (int u = scanFrom; u < limit; u++) {
                if (buf[u] != '_') {
                    continue;
                }
                for (char[] p : prefixes) {
                    int start = u - p.length;
                    if (start < 0 || !matchesAt(buf, start, p) || !boundaryBefore(buf, start, base)) {
                        continue;
                    }
                    int end = u + 1 + body;
                    if (end > len || (end < len && isAlnum(buf[end])) || !allBase62(buf, u + 1, end)) {
                        continue;
                    }
                    String candidate = new String(buf, start, end - start);
                    Optional<TokenKind> kind = parse(candidate);
                    if (kind.isEmpty()) {
                        continue;
                    }
                    for (; counted < start; counted++) {
                        if (buf[counted] == '\n') {
                            line++;
                            lineStart = base + counted + 1;
                        }
                    }
                    long abs = base + start;
                    sink.accept(new Finding(abs, line, abs - lineStart + 1, kind.get(), candidate,
                            idLookup.apply(candidate)));
                }
            }
            scanFrom = Math.max(scanFrom, limit);
            // keep what a later candidate may still need: the prefix and boundary before the next underscore
            int drop = Math.max(0, scanFrom - keepBefore);
            if (drop > 0) {
                for (; counted < drop; counted++) {
                    if (buf[counted] == '\n') {
                        line++;
                        lineStart = base + counted + 1;
                    }
                }
                System.arraycopy(buf, drop, buf, 0, len - drop);
                len -= drop;
                scanFrom -= drop;
                counted -= drop;
                base += drop;
            }
        }
    }

    private Optional<TokenKind> parse(String candidate) {
        for (TokenFormat f : formats) {
            Optional<TokenKind> k = f.parse(candidate);
            if (k.isPresent()) {
                return k;
            }
        }
        return Optional.empty();
    }

    private static boolean matchesAt(char[] buf, int start, char[] p) {
        for (int i = 0; i < p.length; i++) {
            if (buf[start + i] != p[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean boundaryBefore(char[] buf, int start, long base) {
        if (start == 0) {
            return base == 0; // the start of the input; otherwise the character before was kept (keepBefore)
        }
        return !isAlnum(buf[start - 1]);
    }

    private static boolean allBase62(char[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = buf[i];
            if (c >= 128 || !BASE62[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlnum(char c) {
        return c < 128 && BASE62[c];
    }

    @Override
    public String toString() {
        return "TokenScanner" + formats;
    }

    /** Configures a {@link TokenScanner}. Not thread-safe; each option may be set once (formats may repeat). */
    public static final class Builder {
        private final List<TokenFormat> formats = new ArrayList<>();
        private Function<String, Optional<String>> idLookup;

        private Builder() {
        }

        /**
         * A token format to find (the host's current one, and any earlier prefixes whose tokens may still be
         * active). At least one is required.
         *
         * @param format a token format to find; may be called again for more formats
         * @return this builder
         * @throws NullPointerException if {@code format} is null
         */
        public Builder format(TokenFormat format) {
            formats.add(Objects.requireNonNull(format, "format"));
            return this;
        }

        /**
         * Looks up the public id of a found token (e.g. by digest in the store), so findings say which token it
         * is. Called once per checksum-valid finding with the token text; must not log or keep it. Default: none.
         *
         * @param lookup maps a found token's text to its public id, or to empty when it is unknown
         * @return this builder
         * @throws IllegalStateException if already set
         * @throws NullPointerException if {@code lookup} is null
         */
        public Builder idLookup(Function<String, Optional<String>> lookup) {
            this.idLookup = SetOnce.set(this.idLookup, lookup, "idLookup");
            return this;
        }

        /**
         * The scanner.
         *
         * @return the scanner, immutable and thread-safe
         * @throws IllegalStateException if no format was given
         */
        public TokenScanner build() {
            if (formats.isEmpty()) {
                throw new IllegalStateException("no format was set; use format(latchkey.tokenFormat())");
            }
            Function<String, Optional<String>> lookup = idLookup != null ? idLookup : t -> Optional.empty();
            return new TokenScanner(formats, t -> Objects.requireNonNull(lookup.apply(t), "idLookup result"));
        }
    }
}
