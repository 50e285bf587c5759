package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.spi.TokenKind;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 11: the foreign-Bearer rule never hands one of this host's tokens (or anything that might be one) to
 * another authenticator. On arbitrary headers and on real tokens with fuzzed case and damage:
 * <ul>
 *   <li>a header carrying a string {@link TokenFormat#parse} accepts, after any spelling of the scheme, is never
 *       foreign; nor is any value that starts with a prefix and {@code _} in any case (a mistyped token);</li>
 *   <li>a foreign header is exactly {@code Bearer}, one space and an RFC 6750 b64token (the reference regex
 *       the Spring filter used before the rule was shared), and its value is not a token of this format.</li>
 * </ul>
 */
class ForeignBearerFuzzTest {
    private static final TokenFormat FORMAT = TokenFormat.defaults();
    private static final ForeignBearerRule RULE = ForeignBearerRule.of(FORMAT);
    private static final Pattern PLAIN_BEARER = Pattern.compile("(?i)Bearer ([A-Za-z0-9._~+/-]+=*)");
    private static final String[] SCHEMES = {"Bearer ", "bearer ", "BEARER ", "BeArEr ", "Bearer  ", "Bearer\t",
            " Bearer ", "Bearer:", "Basic ", ""};

    @FuzzTest(maxDuration = "10s")
    void ruleWhenArbitraryOrTokenShapedHeaderThenNeverForeignForOurs(FuzzedDataProvider data) {
        String header;
        if (data.consumeBoolean()) {
            header = data.consumeRemainingAsString();
        } else {
            String token = FORMAT.generate(data.consumeBoolean() ? TokenKind.PERSONAL : TokenKind.SERVICE).reveal();
            StringBuilder value = new StringBuilder(token);
            int flips = data.consumeInt(0, 8);
            for (int i = 0; i < flips; i++) { // case changes and damage anywhere, prefix included
                int at = data.consumeInt(0, value.length() - 1);
                char c = value.charAt(at);
                value.setCharAt(at, data.consumeBoolean() ? Character.toUpperCase(c) : data.consumeChar());
            }
            String tail = data.consumeString(8);
            header = SCHEMES[data.consumeInt(0, SCHEMES.length - 1)] + value + tail;
            if (FORMAT.parse(value + tail).isPresent() && header.startsWith("Bearer ")) {
                assertThat(RULE.isForeign(header)).as("a token of this host's format").isFalse();
            }
        }
        boolean foreign = RULE.isForeign(header);

        Matcher m = PLAIN_BEARER.matcher(header);
        boolean plain = m.matches();
        String value = plain ? m.group(1) : null;
        boolean prefixed = plain && (value.toLowerCase(Locale.ROOT).startsWith(FORMAT.personalPrefix() + "_")
                || value.toLowerCase(Locale.ROOT).startsWith(FORMAT.servicePrefix() + "_"));
        assertThat(foreign).as("the reference definition, for %s", escaped(header)).isEqualTo(plain && !prefixed);
        if (foreign) {
            assertThat(FORMAT.parse(value)).as("a foreign value is never our token").isEmpty();
            assertThat(FORMAT.parse(value.toLowerCase(Locale.ROOT))).isEmpty();
        }
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u%04x", c)));
        return b.toString();
    }
}
