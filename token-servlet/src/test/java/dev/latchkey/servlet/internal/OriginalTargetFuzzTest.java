package dev.latchkey.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes how the proxy authorisation endpoint reads {@code X-Original-URI}. Invariant: a target is refused, or
 * the path the classifier sees is exactly the percent-decoding of the raw path, and that path cannot be routed
 * as another one: absolute, no dot or empty inner segments, no '\', ';' or control characters.
 *
 * <p>{@code mvn verify} fuzzes this for a fixed time (the {@code fuzz-original-target} surefire execution).
 */
class OriginalTargetFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parseWhenAnyTargetThenRefusedOrUnambiguous(FuzzedDataProvider data) {
        String uri = data.consumeBoolean() ? "/" + data.consumeRemainingAsString() : data.consumeRemainingAsString();
        ProxyAuthorizer.Target t = ProxyAuthorizer.Target.parse(uri);
        if (t == null) {
            return;
        }
        String path = t.path();
        assertThat(path).as(uri).startsWith("/");
        String inner = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        assertThat(inner + "/").as(uri).doesNotContain("//").doesNotContain("/./").doesNotContain("/../");
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            assertThat(c < 0x20 || c == 0x7f || c == '\\' || c == ';').as(uri).isFalse();
        }
        int q = uri.indexOf('?');
        String raw = q < 0 ? uri : uri.substring(0, q);
        assertThat(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8)).as(uri).isEqualTo(path);
        assertThat(t.rawQuery()).isEqualTo(q < 0 ? null : uri.substring(q + 1));
    }
}
