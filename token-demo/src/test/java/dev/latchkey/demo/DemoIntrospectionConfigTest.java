package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code latchkey.introspectionClients}: empty by default, each entry {@code id:sha256hex}, anything else refused by name. */
class DemoIntrospectionConfigTest {
    private static final String DIGEST = "a".repeat(64);

    @TempDir
    Path tmp;

    private Path withClients(String value) throws Exception {
        DemoConfig.loadOrCreate(tmp);
        Path file = tmp.resolve(DemoConfig.FILE_NAME);
        String text = Files.readString(file);
        assertThat(text).contains("latchkey.introspectionClients=\n");
        Files.writeString(file, text.replace("latchkey.introspectionClients=\n", "latchkey.introspectionClients=" + value + "\n"));
        return file;
    }

    @Test
    void loadWhenDefaultThenNoIntrospectionClient() {
        assertThat(DemoConfig.loadOrCreate(tmp).introspectionClients()).isEmpty();
    }

    @Test
    void loadWhenClientsListedThenIdToDigest() throws Exception {
        assertThat(DemoConfig.load(withClients("orders:" + DIGEST + ", billing-2:" + DIGEST.toUpperCase()))
                .introspectionClients()).isEqualTo(Map.of("orders", DIGEST, "billing-2", DIGEST.toUpperCase()));
    }

    @Test
    void loadWhenAnEntryIsBadThenRefusedNamingTheKey() throws Exception {
        for (String bad : new String[] {"orders", "orders:" + DIGEST.substring(1), "orders:" + "g".repeat(64),
                ":" + DIGEST, "a:b:" + DIGEST, "orders:" + DIGEST + ",orders:" + DIGEST, "the secret itself"}) {
            Path file = withClients(bad);
            assertThatThrownBy(() -> DemoConfig.load(file)).as(bad).isInstanceOf(DemoConfig.DemoConfigException.class)
                    .hasMessageContaining("latchkey.introspectionClients");
            Files.delete(file);
        }
    }
}
