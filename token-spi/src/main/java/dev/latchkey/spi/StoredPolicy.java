package dev.latchkey.spi;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The policy as a store keeps it: flat string settings (the engine owns their meaning) and a version for
 * optimistic concurrency.
 *
 * @param settings setting name to value
 * @param version  incremented by the store on every save
 *
 * @since 0.1
 */
public record StoredPolicy(Map<String, String> settings, long version) {
    /**
     * Checks and normalises the components; see the record description for each one's meaning.
     *
     * @param settings setting name to value
     * @param version  incremented by the store on every save
     * @throws NullPointerException if a component is null
     */
    public StoredPolicy {
        settings = Map.copyOf(new TreeMap<>(Objects.requireNonNull(settings, "settings")));
    }
}
