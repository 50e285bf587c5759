package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What push protection writes about a pushed path: the pusher's message and the audited place. */
class PushProtectionTextTest {
    private static final String COMMIT = "180f0694c13a28f13bff987b78d0c1a95ce05423";

    @Test
    void shownWhenPathHasControlOrFormatCharactersThenTheyAreReplaced() {
        assertThat(PushProtection.shown("a\nremote: forged line\u001b[31m\u202egnp.txt"))
                .isEqualTo("a?remote: forged line?[31m?gnp.txt");
        assertThat(PushProtection.shown("x/".repeat(300) + "end.txt")).hasSize(200).startsWith("…").endsWith("end.txt");
    }

    @Test
    void whereWhenPathIsLongThenShortenedFromTheLeftWithinTheEnginesLimit() {
        assertThat(PushProtection.where("DEMO/demo-repo.git", "config/app.properties", 3, COMMIT))
                .isEqualTo("DEMO/demo-repo.git/config/app.properties:3@" + COMMIT);
        String deep = "d/".repeat(400) + "secret.env";
        String place = PushProtection.where("DEMO/demo-repo.git", deep, 12, COMMIT);
        assertThat(place.length()).isLessThanOrEqualTo(500);
        assertThat(place).startsWith("DEMO/demo-repo.git/…").endsWith("secret.env:12@" + COMMIT);
    }
}
