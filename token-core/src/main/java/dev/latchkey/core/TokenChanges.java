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
    /**
     * Checks the fields and keeps immutable copies of the collections.
     *
     * @param name         new name
     * @param level        new level
     * @param resources    new resource limits
     * @param allowedCidrs new CIDR ranges
     * @throws NullPointerException if a field, or an entry of a collection, is null
     */
    public TokenChanges {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(allowedCidrs, "allowedCidrs");
        resources = resources.map(Set::copyOf);
        allowedCidrs = allowedCidrs.map(List::copyOf);
    }

    /**
     * No changes; use the {@code with} methods.
     *
     * @return changes that change nothing
     */
    public static TokenChanges none() {
        return new TokenChanges(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * A copy that also sets a new name.
     *
     * @param v the new name
     * @return the changes with this one added, or replacing an earlier change of that field
     * @throws NullPointerException if {@code v} is null
     */
    public TokenChanges withName(String v) { return new TokenChanges(Optional.of(v), level, resources, allowedCidrs); }

    /**
     * A copy that also sets a new access level.
     *
     * @param v the new level
     * @return the changes with this one added, or replacing an earlier change of that field
     * @throws NullPointerException if {@code v} is null
     */
    public TokenChanges withLevel(AccessLevel v) { return new TokenChanges(name, Optional.of(v), resources, allowedCidrs); }

    /**
     * A copy that also sets new resource limits.
     *
     * @param v the new resource names
     * @return the changes with this one added, or replacing an earlier change of that field
     * @throws NullPointerException if {@code v} is null
     */
    public TokenChanges withResources(Set<String> v) { return new TokenChanges(name, level, Optional.of(v), allowedCidrs); }

    /**
     * A copy that also sets new CIDR ranges.
     *
     * @param v the new ranges or single addresses
     * @return the changes with this one added, or replacing an earlier change of that field
     * @throws NullPointerException if {@code v} is null
     */
    public TokenChanges withAllowedCidrs(List<String> v) { return new TokenChanges(name, level, resources, Optional.of(v)); }
}
