package dev.latchkey.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The credential resolver without HTTP, including inputs a servlet container might let through. */
class CredentialResolverTest {
    private static final String TOKEN = "lkp_token";
    private final CredentialResolver resolver = new CredentialResolver(8192, false, TOKEN::equals);
    private final CredentialResolver withQuery = new CredentialResolver(8192, true, TOKEN::equals);

    private static Enumeration<String> headers(String... values) {
        return Collections.enumeration(List.of(values));
    }

    private static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void resolveWhenNothingThenNothing() {
        assertThat(resolver.resolve(headers(), null)).isEqualTo(Presented.Nothing.INSTANCE);
        assertThat(resolver.resolve(null, "a=b")).isEqualTo(Presented.Nothing.INSTANCE);
    }

    @Test
    void resolveWhenBearerThenToken() {
        Presented p = resolver.resolve(headers("Bearer " + TOKEN), null);
        assertThat(p).isInstanceOf(Presented.Token.class);
        assertThat(((Presented.Token) p).credential().token()).isEqualTo(TOKEN);
        assertThat(((Presented.Token) p).authType()).isEqualTo("Bearer");
    }

    @Test
    void resolveWhenBasicWithTokenPasswordThenTokenWithUsername() {
        Presented p = resolver.resolve(headers(basic("alice:" + TOKEN)), null);
        assertThat(p).isInstanceOf(Presented.Token.class);
        assertThat(((Presented.Token) p).credential().basicUsername()).contains("alice");
        assertThat(((Presented.Token) p).authType()).isEqualTo("BASIC");
    }

    @Test
    void resolveWhenBasicWithPasswordThenPasswordWithoutTheSecret() {
        Presented p = resolver.resolve(headers(basic("alice:p:w")), null);
        assertThat(p).isEqualTo(new Presented.Password("alice"));
        assertThat(p.toString()).doesNotContain("p:w");
    }

    @Test
    void resolveWhenBasicIsLatin1ThenStillAPassword() {
        String latin1 = "Basic " + Base64.getEncoder().encodeToString("j\u00f6rg:pw".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(resolver.resolve(headers(latin1), null)).isEqualTo(new Presented.Password("j\u00f6rg"));
    }

    @Test
    void resolveWhenHostileHeadersThenInvalid() {
        for (String bad : new String[] {"Bearer", "Bearer ", "Bearer a b", "Bearer =abc", "Bearer abc\u0000",
                "Bearer \u00e9t\u00e9", "Bearer tok\ren", "Basic", "Basic !!!", "Basic YWxpY2U", "Basic YWxpY2U=",
                "Basic " + Base64.getEncoder().encodeToString(("al\u0001ice:" + TOKEN).getBytes(StandardCharsets.UTF_8)),
                "Bearer " + "a".repeat(9000)}) {
            assertThat(resolver.resolve(headers(bad), null)).as(bad.length() > 40 ? "long" : bad)
                    .isInstanceOf(Presented.Invalid.class);
        }
    }

    @Test
    void resolveWhenInvalidThenDescriptionNeverEchoesInput() {
        Presented p = resolver.resolve(headers("Bearer secret-value with-space"), null);
        assertThat(((Presented.Invalid) p).description()).doesNotContain("secret-value");
    }

    @Test
    void resolveWhenSeveralHeadersThenInvalid() {
        assertThat(resolver.resolve(headers("Bearer " + TOKEN, "Bearer " + TOKEN), null))
                .isInstanceOf(Presented.Invalid.class);
    }

    @Test
    void resolveWhenQueryTokenAndNotAllowedThenInvalidOnlyForOurTokens() {
        assertThat(resolver.resolve(headers(), "access_token=" + TOKEN)).isInstanceOf(Presented.Invalid.class);
        assertThat(resolver.resolve(headers(), "access_token=other")).isEqualTo(Presented.Nothing.INSTANCE);
        assertThat(resolver.resolve(headers(), "x_access_token=" + TOKEN)).isEqualTo(Presented.Nothing.INSTANCE);
    }

    @Test
    void resolveWhenQueryTokenAllowedThenTokenAndNeverTogetherWithHeader() {
        assertThat(withQuery.resolve(headers(), "a=1&access_token=" + TOKEN + "&b")).isInstanceOf(Presented.Token.class);
        assertThat(withQuery.resolve(headers(), "access%5Ftoken=" + TOKEN)).isInstanceOf(Presented.Token.class);
        assertThat(withQuery.resolve(headers("Bearer " + TOKEN), "access_token=" + TOKEN))
                .isInstanceOf(Presented.Invalid.class);
        assertThat(withQuery.resolve(headers(), "access_token=" + TOKEN + "&access_token=x"))
                .isInstanceOf(Presented.Invalid.class);
        assertThat(withQuery.resolve(headers(), "access_token=%zz")).isInstanceOf(Presented.Invalid.class);
        assertThat(withQuery.resolve(headers(), "access_token=")).isInstanceOf(Presented.Invalid.class);
    }

    @Test
    void resolveWhenBasicSchemeMangledThenStillBasicNeverLeftToHost() {
        String b64 = Base64.getEncoder().encodeToString("alice:secret-pw".getBytes(StandardCharsets.UTF_8));
        String tok = Base64.getEncoder().encodeToString(("alice:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        for (String scheme : new String[] {"Basic\t", "Basic:", "BasicX", "basic ", "BASIC ", "bAsIc  ", " Basic ",
                "\tbasic\t", "Basic: "}) {
            assertThat(resolver.resolve(headers(scheme + b64), null)).as(scheme).isEqualTo(new Presented.Password("alice"));
            Presented p = resolver.resolve(headers(scheme + tok), null);
            assertThat(p).as(scheme).isInstanceOf(Presented.Token.class);
            assertThat(((Presented.Token) p).credential().token()).isEqualTo(TOKEN);
        }
        // what cannot be read is refused, never passed on
        for (String bad : new String[] {"Basicfoo", "Basic::" + b64, "basic!" + b64 + "!", "BASIC", "  basic",
                "Basic-Custom " + b64}) {
            assertThat(resolver.resolve(headers(bad), null)).as(bad).isInstanceOf(Presented.Invalid.class);
        }
    }

    @Test
    void resolveWhenBearerSchemeMangledThenStillBearerNeverLeftToHost() {
        for (String scheme : new String[] {"Bearer\t", "Bearer:", "BearerX", "bearer ", "BEARER ", " Bearer  "}) {
            Presented p = resolver.resolve(headers(scheme + TOKEN), null);
            assertThat(p).as(scheme).isInstanceOf(Presented.Token.class);
            assertThat(((Presented.Token) p).credential().token()).isEqualTo(TOKEN);
        }
        for (String bad : new String[] {"bearer", "BEARER:", "Bearer-Token x y", "BearerAuth a=b, c=d"}) {
            assertThat(resolver.resolve(headers(bad), null)).as(bad).isInstanceOf(Presented.Invalid.class);
        }
    }

    @Test
    void resolveWhenOtherSchemeThenLeftToHostEvenIfLong() {
        assertThat(resolver.resolve(headers("Negotiate " + "A".repeat(20000)), null)).isEqualTo(Presented.Nothing.INSTANCE);
    }
}
