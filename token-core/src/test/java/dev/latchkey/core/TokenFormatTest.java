package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.TokenKind;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenFormatTest {
    private final TokenFormat format = TokenFormat.defaults();

    @Test
    void generateWhenCalledThenPrefixedBase62WithValidChecksum() {
        TokenSecret s = format.generate(TokenKind.PERSONAL);
        assertThat(s.reveal()).matches("lkp_[0-9A-Za-z]{36}");
        assertThat(format.parse(s.reveal())).contains(TokenKind.PERSONAL);
        assertThat(format.parse(format.generate(TokenKind.SERVICE).reveal())).contains(TokenKind.SERVICE);
    }

    @Test
    void generateWhenManyThenAllDistinctAndAtLeast160Bits() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(format.generate(TokenKind.PERSONAL).reveal())).isTrue();
        }
        assertThat(TokenFormat.RANDOM_LENGTH * Math.log(62) / Math.log(2)).isGreaterThanOrEqualTo(160);
    }

    @Test
    void parseWhenAnySingleCharacterChangedThenRejected() {
        String s = format.generate(TokenKind.PERSONAL).reveal();
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        int accepted = 0;
        for (int i = 4; i < s.length(); i++) {
            for (char c : alphabet.toCharArray()) {
                if (c == s.charAt(i)) {
                    continue;
                }
                String mutated = s.substring(0, i) + c + s.substring(i + 1);
                if (format.parse(mutated).isPresent()) {
                    accepted++;
                }
            }
        }
        // CRC32 detects every single-character substitution
        assertThat(accepted).isZero();
    }

    @Test
    void parseWhenOtherHostsPrefixThenRejected() {
        TokenFormat other = TokenFormat.of("acme", "acmes");
        String s = other.generate(TokenKind.PERSONAL).reveal();
        assertThat(other.parse(s)).isPresent();
        assertThat(format.parse(s)).isEmpty();
    }

    @Test
    void ofWhenPrefixInvalidThenRejectedWithAdvice() {
        assertThatThrownBy(() -> TokenFormat.of("LK", "lks")).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> TokenFormat.of("lk_x", "lks")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenFormat.of("lkp", "lkp")).hasMessageContaining("must differ");
    }

    @Test
    void secretWhenPrintedThenRedacted() {
        TokenSecret s = format.generate(TokenKind.PERSONAL);
        assertThat(s.toString()).doesNotContain(s.reveal()).contains("redacted");
        assertThat(Credential.bearer(s.reveal()).toString()).doesNotContain(s.reveal().substring(4));
        assertThat(Credential.basic("alice", s.reveal()).toString()).doesNotContain(s.reveal().substring(4));
    }

    @Test
    void hintWhenMadeThenShowsOnlyPrefixAndFourCharacters() {
        String s = format.generate(TokenKind.PERSONAL).reveal();
        assertThat(TokenFormat.hint(s)).isEqualTo("lkp_…" + s.substring(s.length() - 4));
    }
}
