package dev.latchkey.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.core.ForeignBearerRule;
import dev.latchkey.servlet.internal.CredentialResolver;
import dev.latchkey.servlet.internal.Presented;
import dev.latchkey.spi.AccessLevel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * Fuzzes the Authorization header parser. Invariants: a header whose scheme any plausible host parser reads as
 * Basic or Bearer (after leading white space, {@code basic}/{@code bearer} in any case) is never "not ours"; and
 * a header carrying a real token (made at run time) in any accepted shape — any leading white space, any case,
 * any separator — is that token, or refused, but never passed to the host and never taken for a password. With the
 * filter's default {@link ForeignBearerRule} (issue 11) the same holds for every real token, and the only headers
 * left to the host beyond those of other schemes are the ones the rule calls foreign.
 *
 * <p>{@code mvn verify} fuzzes this for a fixed time (the {@code fuzz-credentials} surefire execution).
 */
class CredentialHeaderFuzzTest {
    private static Fixture fixture;
    private static String token;
    private static CredentialResolver resolver;
    private static ForeignBearerRule rule;
    private static CredentialResolver foreignAware;

    private static synchronized void init() {
        if (fixture == null) {
            fixture = new Fixture();
            token = fixture.token("alice", AccessLevel.READ);
            resolver = new CredentialResolver(8192, false, fixture.latchkey.authenticator()::looksLikeToken);
            rule = ForeignBearerRule.of(fixture.latchkey.tokenFormat());
            foreignAware = new CredentialResolver(8192, false, fixture.latchkey.authenticator()::looksLikeToken, rule);
        }
    }

    private static Presented resolve(String header) {
        Presented p = resolver.resolve(Collections.enumeration(List.of(header)), null);
        Presented q = foreignAware.resolve(Collections.enumeration(List.of(header)), null);
        if (rule.isForeign(header)) {
            assertThat(q).as(header).isEqualTo(Presented.Nothing.INSTANCE);
        } else {
            assertThat(describe(q)).as("the rule changes nothing but foreign Bearer headers: %s", header)
                    .isEqualTo(describe(p));
        }
        return p;
    }

    /** A comparable description (Credential has no equals); the secret stays inside the test. */
    private static String describe(Presented p) {
        return p instanceof Presented.Token t ? "Token[" + t.credential().token() + ", " + t.credential().basicUsername()
                + ", " + t.authType() + "]" : p.toString();
    }

    @FuzzTest(maxDuration = "10s")
    void resolveWhenBasicOrBearerInAnyShapeThenNeverLeftToTheHost(FuzzedDataProvider data) {
        init();
        boolean bearer = data.consumeBoolean();
        String leading = data.pickValue(List.of("", " ", "\t", " \t "));
        int caseMask = data.consumeInt();
        char separator = data.consumeChar();
        String gap = data.consumeBoolean() ? " " : "";
        String user = data.consumeString(20).replaceAll("[:\\x00-\\x1f\\x7f]", "");
        String arbitrary = data.consumeRemainingAsString();

        // 1. a real token in any shape a loose parser accepts
        String word = bearer ? "Bearer" : "Basic";
        StringBuilder scheme = new StringBuilder(leading);
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            scheme.append((caseMask >> i & 1) == 1 ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        String credentials = bearer ? token
                : Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
        String header = scheme + String.valueOf(separator) + gap + credentials;
        Presented p = resolve(header);
        assertThat(p).as(header).isNotEqualTo(Presented.Nothing.INSTANCE).isNotInstanceOf(Presented.Password.class);
        boolean plainSeparator = separator == ' ' || separator == '\t' || (separator > 0x20 && separator < 0x7f);
        if (plainSeparator) {
            assertThat(p).as(header).isInstanceOf(Presented.Token.class);
            assertThat(((Presented.Token) p).credential().token()).isEqualTo(token);
        }

        // 2. arbitrary text: a Basic or Bearer prefix is never "not ours"
        Presented q = resolve(arbitrary);
        String t = arbitrary.stripLeading();
        int at = 0;
        while (at < arbitrary.length() && arbitrary.charAt(at) <= ' ') {
            at++;
        }
        if (arbitrary.regionMatches(true, at, "basic", 0, 5) || arbitrary.regionMatches(true, at, "bearer", 0, 6)) {
            assertThat(q).as(t).isNotEqualTo(Presented.Nothing.INSTANCE);
        }
    }
}
