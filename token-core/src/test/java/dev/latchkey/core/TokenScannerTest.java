package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.scan.Finding;
import dev.latchkey.core.scan.TokenScanner;
import dev.latchkey.spi.TokenKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenScannerTest {
    private final TokenFormat format = TokenFormat.defaults();
    private final TokenScanner scanner = TokenScanner.of(format);

    private String token(TokenKind kind) {
        return format.generate(kind).reveal();
    }

    @Test
    void scanWhenTokensInTextThenFoundWithLineColumnAndOffset() {
        String a = token(TokenKind.PERSONAL);
        String b = token(TokenKind.SERVICE);
        String text = "first line\nexport TOKEN=" + a + "\n\n  \"" + b + "\"\n";
        List<Finding> found = scanner.scan(text);
        assertThat(found).hasSize(2);
        assertThat(found.get(0).line()).isEqualTo(2);
        assertThat(found.get(0).column()).isEqualTo(14);
        assertThat(found.get(0).offset()).isEqualTo(text.indexOf(a));
        assertThat(found.get(0).kind()).isEqualTo(TokenKind.PERSONAL);
        assertThat(found.get(0).reveal()).isEqualTo(a);
        assertThat(found.get(1).line()).isEqualTo(4);
        assertThat(found.get(1).column()).isEqualTo(4);
        assertThat(found.get(1).kind()).isEqualTo(TokenKind.SERVICE);
    }

    @Test
    void scanWhenLookAlikesThenNothingFound() {
        String a = token(TokenKind.PERSONAL);
        String badChecksum = a.substring(0, a.length() - 1) + (a.endsWith("A") ? "B" : "A");
        String text = String.join(" ", badChecksum, "x" + a, a + "z", "lkq" + a.substring(3), a.substring(0, 30),
                "lkp_" + "a".repeat(36), a.replace('_', '-'));
        assertThat(scanner.scan(text)).isEmpty();
    }

    @Test
    void scanWhenTokenAtStartOrEndOrBetweenPunctuationThenFound() {
        String a = token(TokenKind.PERSONAL);
        assertThat(scanner.scan(a)).hasSize(1);
        assertThat(scanner.scan("(" + a + ")," + a + ";")).hasSize(2);
        assertThat(scanner.scan("key_" + a)).hasSize(1);
    }

    @Test
    void findingToStringWhenPrintedThenNoSecret() {
        String a = token(TokenKind.PERSONAL);
        Finding f = scanner.scan("x " + a).get(0);
        assertThat(f.toString()).doesNotContain(a).contains(f.hint());
        assertThat(f.hint()).isEqualTo(TokenFormat.hint(a));
    }

    @Test
    void scanWhenReaderDeliversOneCharAtATimeThenSameFindings() throws IOException {
        StringBuilder sb = new StringBuilder();
        List<String> planted = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String t = token(i % 2 == 0 ? TokenKind.PERSONAL : TokenKind.SERVICE);
            planted.add(t);
            sb.append("line ").append(i).append(" lkp_fake ").append(t).append('\n').append("x".repeat(i * 37));
        }
        List<Finding> whole = scanner.scan(sb);
        List<Finding> trickled = new ArrayList<>();
        scanner.scan(new TrickleReader(sb.toString(), 1), trickled::add);
        assertThat(whole).extracting(Finding::reveal).containsExactlyElementsOf(planted);
        assertThat(trickled).containsExactlyElementsOf(whole);
        assertThat(trickled).extracting(Finding::line).containsExactlyElementsOf(whole.stream().map(Finding::line).toList());
        assertThat(trickled).extracting(Finding::column).containsExactlyElementsOf(whole.stream().map(Finding::column).toList());
    }

    @Test
    void scanWhenBytesWithUtf8AroundThenFoundAtByteOffset() throws IOException {
        String a = token(TokenKind.PERSONAL);
        byte[] bytes = ("ünïcödé " + a).getBytes(StandardCharsets.UTF_8);
        List<Finding> found = new ArrayList<>();
        scanner.scan(new ByteArrayInputStream(bytes), found::add);
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.offset()).isEqualTo(bytes.length - a.length());
            assertThat(f.reveal()).isEqualTo(a);
        });
    }

    @Test
    void scanWhenIdLookupGivenThenFindingsCarryTheId() {
        String a = token(TokenKind.PERSONAL);
        TokenScanner s = TokenScanner.builder().format(format)
                .idLookup(t -> t.equals(a) ? Optional.of("id-1") : Optional.empty()).build();
        assertThat(s.scan(a + " " + token(TokenKind.PERSONAL))).extracting(Finding::tokenId)
                .containsExactly(Optional.of("id-1"), Optional.empty());
    }

    @Test
    void scanWhenSeveralFormatsThenEachPrefixFound() {
        TokenFormat old = TokenFormat.of("acme", "acmes");
        TokenScanner s = TokenScanner.builder().format(format).format(old).build();
        assertThat(s.scan(old.generate(TokenKind.SERVICE).reveal() + "\n" + token(TokenKind.PERSONAL))).hasSize(2);
    }

    @Test
    void builderWhenNoFormatThenRefused() {
        assertThatThrownBy(() -> TokenScanner.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("format");
    }

    @Test
    void scanWhenHugeInputWithoutTokensThenBoundedMemoryAndNoFindings() throws IOException {
        // 64 MiB of underscores and prefixes streamed through: a buffering scanner would need the whole input
        Reader endless = new Reader() {
            long left = 64L << 20;
            final char[] pattern = "lkp_lkp_lks_aaaa_".toCharArray();
            long pos;

            @Override
            public int read(char[] cbuf, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    cbuf[off + i] = pattern[(int) (pos++ % pattern.length)];
                }
                left -= n;
                return n;
            }

            @Override
            public void close() {
            }
        };
        List<Finding> found = new ArrayList<>();
        scanner.scan(endless, found::add);
        assertThat(found).isEmpty();
    }

    /** Hands out at most {@code step} characters per read, to cut tokens at every possible place. */
    static final class TrickleReader extends Reader {
        private final StringReader in;
        private final int step;

        TrickleReader(String s, int step) {
            this.in = new StringReader(s);
            this.step = step;
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            return in.read(cbuf, off, Math.min(len, step));
        }

        @Override
        public void close() {
        }
    }
}
