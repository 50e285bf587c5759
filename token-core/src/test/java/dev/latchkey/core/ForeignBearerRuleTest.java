package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.spi.TokenKind;
import org.junit.jupiter.api.Test;

/** The one definition of a foreign Bearer credential (issue 11): what passes to the host, and what never does. */
class ForeignBearerRuleTest {
    private static final TokenFormat FORMAT = TokenFormat.of("acme", "acmes");
    private static final ForeignBearerRule RULE = ForeignBearerRule.of(FORMAT);
    // header.payload.signature, as a JOSE library writes it
    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl-_w";

    @Test
    void plainBearerWithOtherValueWhenCheckedThenForeign() {
        assertThat(RULE.isForeign("Bearer " + JWT)).isTrue();
        assertThat(RULE.isForeign("bearer " + JWT)).isTrue();
        assertThat(RULE.isForeign("BEARER opaque-oauth-token==")).isTrue();
        assertThat(RULE.isForeign("Bearer lkp_notours")).as("another host's prefix").isTrue();
    }

    @Test
    void ourTokensWhenCheckedThenNeverForeignInAnyCase() {
        for (TokenKind kind : TokenKind.values()) {
            String t = FORMAT.generate(kind).reveal();
            assertThat(RULE.isForeign("Bearer " + t)).isFalse();
            assertThat(RULE.isForeign("Bearer " + t.toUpperCase(java.util.Locale.ROOT))).isFalse();
        }
    }

    @Test
    void mistypedTokenWhenPrefixRightThenLatchkeysSoItIsRefusedAndAudited() {
        String t = FORMAT.generate(TokenKind.PERSONAL).reveal();
        String mistyped = t.substring(0, t.length() - 1) + (t.endsWith("a") ? "b" : "a");
        assertThat(FORMAT.parse(mistyped)).isEmpty();
        assertThat(RULE.isForeign("Bearer " + mistyped)).isFalse();
        assertThat(RULE.isForeign("Bearer acme_")).isFalse();
        assertThat(RULE.isForeign("Bearer ACMES_x")).isFalse();
    }

    @Test
    void oddSpellingsWhenCheckedThenLatchkeysNeverAnotherAuthenticators() {
        assertThat(RULE.isForeign(null)).isFalse();
        assertThat(RULE.isForeign("")).isFalse();
        assertThat(RULE.isForeign("Bearer ")).isFalse();
        assertThat(RULE.isForeign("Bearer  " + JWT)).as("two spaces").isFalse();
        assertThat(RULE.isForeign("Bearer\t" + JWT)).isFalse();
        assertThat(RULE.isForeign(" Bearer " + JWT)).isFalse();
        assertThat(RULE.isForeign("Bearer:" + JWT)).isFalse();
        assertThat(RULE.isForeign("Bearer " + JWT + " ")).isFalse();
        assertThat(RULE.isForeign("Bearer " + JWT + " x")).isFalse();
        assertThat(RULE.isForeign("Bearer a=b")).as("'=' only at the end").isFalse();
        assertThat(RULE.isForeign("Bearer =")).isFalse();
        assertThat(RULE.isForeign("Bearer ab\u00e9")).isFalse();
        assertThat(RULE.isForeign("Basic " + JWT)).isFalse();
        assertThat(RULE.isForeign("Negotiate " + JWT)).isFalse();
    }
}
