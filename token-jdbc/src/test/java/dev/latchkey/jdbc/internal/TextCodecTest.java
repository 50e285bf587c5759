package dev.latchkey.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.jdbc.SqlDialect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TextCodecTest {

    @Test
    @DisplayName("encodeList/decodeList: lossless for any characters, separators and escapes included")
    void listWhenAnyCharactersThenRoundTrips() {
        List<List<String>> cases = List.of(List.of(), List.of(""), List.of("", ""), List.of("a\nb", "\\", "\\n", "=", "x=y\\e"),
                List.of("\u0000", "🔑", "10.0.0.0/8"));
        for (List<String> c : cases) {
            assertThat(TextCodec.decodeList(TextCodec.encodeList(c))).isEqualTo(c);
        }
        Random random = new Random(42);
        for (int n = 0; n < 500; n++) {
            List<String> list = new ArrayList<>();
            for (int i = random.nextInt(5); i > 0; i--) {
                list.add(randomText(random));
            }
            assertThat(TextCodec.decodeList(TextCodec.encodeList(list))).isEqualTo(list);
        }
    }

    @Test
    @DisplayName("encodeMap/decodeMap: lossless for keys and values containing = and newlines")
    void mapWhenAnyCharactersThenRoundTrips() {
        Random random = new Random(7);
        for (int n = 0; n < 500; n++) {
            Map<String, String> map = new TreeMap<>();
            for (int i = random.nextInt(5); i > 0; i--) {
                map.put(randomText(random), randomText(random));
            }
            assertThat(TextCodec.decodeMap(TextCodec.encodeMap(map))).isEqualTo(map);
        }
        assertThatThrownBy(() -> TextCodec.decodeMap("no separator\n")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TextCodec.decodeList("unterminated")).isInstanceOf(IllegalStateException.class);
    }

    private static String randomText(Random random) {
        String alphabet = "ab=\\\n\u0000e0 ;'%_🔑";
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(8); i > 0; i--) {
            int start = random.nextInt(alphabet.length());
            if (Character.isLowSurrogate(alphabet.charAt(start))) {
                start--;
            }
            sb.append(alphabet, start, Character.isHighSurrogate(alphabet.charAt(start)) ? start + 2 : start + 1);
        }
        return sb.toString();
    }

    @Test
    @DisplayName("escapeLike: %, _ and the escape character are escaped; everything else is literal")
    void escapeLikeWhenWildcardsThenEscaped() {
        assertThat(TokenSql.escapeLike("100%_!\\x")).isEqualTo("100!%!_!!\\x");
    }

    @Test
    @DisplayName("sortColumn: every TokenSort maps to a fixed column (the allowlist)")
    void sortColumnWhenEveryKeyThenFixedColumn() {
        for (dev.latchkey.spi.TokenSort sort : dev.latchkey.spi.TokenSort.values()) {
            assertThat(TokenSql.sortColumn(sort)).matches("[a-z_]+");
        }
    }

    @Test
    @DisplayName("Dialects: product names map to dialects; MySQL is refused with a reason")
    void dialectWhenProductNameThenMapped() {
        assertThat(Dialects.fromProduct("H2", "2.3.232")).isEqualTo(SqlDialect.H2);
        assertThat(Dialects.fromProduct("PostgreSQL", "15.2")).isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(Dialects.fromProduct("MariaDB", "10.11.6-MariaDB")).isEqualTo(SqlDialect.MARIADB);
        assertThat(Dialects.fromProduct("MySQL", "5.5.5-10.11.6-MariaDB")).isEqualTo(SqlDialect.MARIADB);
        assertThatThrownBy(() -> Dialects.fromProduct("MySQL", "8.0.36")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MySQL");
    }

    @Test
    @DisplayName("Text.sanitize: never splits a surrogate pair when cutting")
    void sanitizeWhenCutInsideSurrogatePairThenPairDropped() {
        String s = Text.sanitize("ab🔑cd", 4);
        assertThat(s).isEqualTo("ab…");
        assertThat(Text.sanitize("abc", 3)).isEqualTo("abc");
    }
}
