package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.internal.PathPatterns;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The servlet URL patterns of {@link PasswordRules}, compiled by {@link PathPatterns}. */
class PathPatternsTest {
    @Test
    void matchesWhenServletPatternsThenServletSemantics() {
        PathPatterns p = PathPatterns.compile("x", List.of("/rest/*", "/exact", "*.json"));
        assertThat(p.matches("/rest")).isTrue();
        assertThat(p.matches("/rest/api/1.0")).isTrue();
        assertThat(p.matches("/restaurant")).isFalse();
        assertThat(p.matches("/exact")).isTrue();
        assertThat(p.matches("/exact/more")).isFalse();
        assertThat(p.matches("/a/b.json")).isTrue();
        assertThat(p.matches("/a.json/b")).isFalse();
        assertThat(PathPatterns.compile("x", List.of("/*")).matches("/anything")).isTrue();
        assertThat(PathPatterns.none().matches("/rest")).isFalse();
    }

    @Test
    void compileWhenNotAPatternThenRejectedNamingTheSetting() {
        for (String bad : new String[] {"rest/*", "/rest/*/x", "/re*st", "*.", "**.json", ""}) {
            assertThatThrownBy(() -> PathPatterns.compile("disablePasswordAuthFor", List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("disablePasswordAuthFor");
        }
    }
}
