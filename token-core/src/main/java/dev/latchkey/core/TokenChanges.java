package dev.latchkey.core;

import dev.latchkey.spi.AccessLevel;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A partial update of a token: each present field replaces the stored one; absent fields stay. The new scope
 * never exceeds what the actor may grant the owner.
 *
 * @param name         new name
 * @param level        new level (domain levels above it are lowered to it)
 * @param resources    new resource limits (a service token keeps its one resource)
 * @param allowedCidrs new CIDR ranges
 *
 * @since 0.1
 */
public record TokenChanges(Optional<String> name, Optional<AccessLevel> level, Optional<Set<String>> resources,
                           Optional<List<String>> allowedCidrs) {
    public TokenChanges {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(allowedCidrs, "allowedCidrs");
        resources = resources.map(Set::copyOf);
        allowedCidrs = allowedCidrs.map(List::copyOf);
    }

    /** No changes; use the {@code with} methods. */
    public static TokenChanges none() {
        return new TokenChanges(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public TokenChanges withName(String v) { return new TokenChanges(Optional.of(v), level, resources, allowedCidrs); }
    public TokenChanges withLevel(AccessLevel v) { return new TokenChanges(name, Optional.of(v), resources, allowedCidrs); }
    public TokenChanges withResources(Set<String> v) { return new TokenChanges(name, level, Optional.of(v), allowedCidrs); }
    public TokenChanges withAllowedCidrs(List<String> v) { return new TokenChanges(name, level, resources, Optional.of(v)); }
}
