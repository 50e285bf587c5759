package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.memory.InMemoryTokenStore;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BuilderTest {
    @Test
    void storeWhenSetTwiceThenErrorNamesTheEarlierValue() {
        InMemoryTokenStore first = new InMemoryTokenStore();
        Latchkey.Builder b = Latchkey.builder().store(first);
        assertThatThrownBy(() -> b.store(new InMemoryTokenStore()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("store was already set to " + first);
    }

    @Test
    void pepperWhenSetTwiceThenErrorNeverShowsThePepper() {
        String pepper = "p".repeat(40);
        Latchkey.Builder b = Latchkey.builder().pepper("k1", pepper.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> b.pepper("k2", pepper.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("pepper was already set");
    }
}
