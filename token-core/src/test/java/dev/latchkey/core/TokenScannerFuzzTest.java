package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.core.scan.Finding;
import dev.latchkey.core.scan.TokenScanner;
import dev.latchkey.spi.TokenKind;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * The scanner's invariants on arbitrary text salted with look-alike prefixes and real tokens, read in arbitrary
 * chunks: every planted real token is found at its offset, and every finding is a real, checksum-valid token
 * standing on its own at the offset it names (no false positives, however the input is cut).
 */
class TokenScannerFuzzTest {
    private static final TokenFormat FORMAT = TokenFormat.defaults();
    private static final TokenScanner SCANNER = TokenScanner.of(FORMAT);
    private static final String[] LOOK_ALIKES = {"lkp_", "lks_", "lkp", "_", "lk_", "lkpp_", "\n"};

    @FuzzTest(maxDuration = "10s")
    void scanWhenArbitraryTextAndChunkingThenExactlyThePlantedTokens(FuzzedDataProvider data) throws IOException {
        StringBuilder text = new StringBuilder();
        List<Integer> plantedAt = new ArrayList<>();
        List<String> planted = new ArrayList<>();
        int pieces = data.consumeInt(0, 20);
        for (int i = 0; i < pieces; i++) {
            switch (data.consumeInt(0, 2)) {
                case 0 -> text.append(data.consumeString(60));
                case 1 -> text.append(LOOK_ALIKES[data.consumeInt(0, LOOK_ALIKES.length - 1)])
                        .append(data.consumeAsciiString(40));
                default -> {
                    String t = FORMAT.generate(data.consumeBoolean() ? TokenKind.PERSONAL : TokenKind.SERVICE).reveal();
                    text.append(' ');
                    plantedAt.add(text.length());
                    planted.add(t);
                    text.append(t).append(' ');
                }
            }
        }
        int[] steps = data.consumeInts(8);
        String s = text.toString();
        List<Finding> found = new ArrayList<>();
        SCANNER.scan(new ChunkedReader(s, steps), found::add);

        List<Long> offsets = found.stream().map(Finding::offset).toList();
        for (int i = 0; i < planted.size(); i++) {
            assertThat(offsets).as("planted token %d", i).contains((long) plantedAt.get(i));
        }
        for (Finding f : found) {
            int at = (int) f.offset();
            String there = s.substring(at, at + f.length());
            assertThat(there).isEqualTo(f.reveal());
            assertThat(FORMAT.parse(there)).as("finding at %d", at).isPresent();
            assertThat(at == 0 || !Character.isLetterOrDigit(s.charAt(at - 1)) || s.charAt(at - 1) > 127).isTrue();
            long line = s.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
            assertThat(f.line()).isEqualTo(line);
        }
    }

    /** Reads in chunk sizes taken from the fuzzer (1..64), cycling. */
    private static final class ChunkedReader extends Reader {
        private final String s;
        private final int[] steps;
        private int pos;
        private int call;

        ChunkedReader(String s, int[] steps) {
            this.s = s;
            this.steps = steps;
        }

        @Override
        public int read(char[] cbuf, int off, int len) {
            if (pos >= s.length()) {
                return -1;
            }
            int step = steps.length == 0 ? len : 1 + Math.floorMod(steps[call++ % steps.length], 64);
            int n = Math.min(Math.min(len, step), s.length() - pos);
            s.getChars(pos, pos + n, cbuf, off);
            pos += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}
