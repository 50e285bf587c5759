package dev.latchkey.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a token may do on top of (never beyond) its owner's rights.
 *
 * @param level        the highest level the token grants anywhere
 * @param domainLevels optional per-domain levels (e.g. {@code project}, {@code repository}); each is at most
 *                     {@code level}; a domain not listed gets {@code level}
 * @param resources    resource names the token is limited to (e.g. {@code PROJ} or {@code PROJ/repo}); empty
 *                     means not limited. A request on {@code PROJ/repo} is covered by a grant of {@code PROJ}
 *                     or {@code PROJ/repo}; a request on {@code PROJ} only by {@code PROJ}.
 *
 * @since 0.1
 */
public record Scope(AccessLevel level, Map<String, AccessLevel> domainLevels, Set<String> resources) {

    /**
     * Checks and normalises the components; see the record description for each one's meaning.
     *
     * @param level        the highest level the token grants anywhere
     * @param domainLevels optional per-domain levels (e.g. {@code project}, {@code repository}); each is at most {@code level}; a domain not listed gets {@code level}
     * @param resources    resource names the token is limited to (e.g. {@code PROJ} or {@code PROJ/repo}); empty means not limited. A request on {@code PROJ/repo} is covered by a grant of {@code PROJ} or {@code PROJ/repo}; a request on {@code PROJ} only by {@code PROJ}.
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if a component is out of range (the message says which)
     */
    public Scope {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(domainLevels, "domainLevels");
        Objects.requireNonNull(resources, "resources");
        for (Map.Entry<String, AccessLevel> e : domainLevels.entrySet()) {
            Objects.requireNonNull(e.getKey(), "domainLevels key");
            Objects.requireNonNull(e.getValue(), "domainLevels value");
            if (!level.includes(e.getValue())) {
                throw new IllegalArgumentException("domain level " + e.getKey() + "=" + e.getValue()
                        + " exceeds the token level " + level + "; lower the domain level or raise the level");
            }
        }
        for (String r : resources) {
            Objects.requireNonNull(r, "resources element");
            if (r.isBlank()) {
                throw new IllegalArgumentException("a resource name must not be blank");
            }
        }
        domainLevels = Map.copyOf(new TreeMap<>(domainLevels));
        resources = Set.copyOf(new TreeSet<>(resources));
    }

    /**
     * A scope of {@code level} everywhere, not limited to resources.
     *
     * @param level the level granted
     * @return the scope
     * @throws NullPointerException if {@code level} is null
     */
    public static Scope of(AccessLevel level) {
        return new Scope(level, Map.of(), Set.of());
    }

    /**
     * A scope of {@code level} limited to the named resources.
     *
     * @param level     the level granted
     * @param resources the resource names the token is limited to (empty: not limited)
     * @return the scope
     * @throws NullPointerException     if an argument or a resource name is null
     * @throws IllegalArgumentException if a resource name is blank
     */
    public static Scope of(AccessLevel level, Set<String> resources) {
        return new Scope(level, Map.of(), resources);
    }

    /**
     * The level granted in {@code domain}.
     *
     * @param domain a resource domain (e.g. {@code repository}), or null for none
     * @return the domain level if set, else {@link #level()}
     */
    public AccessLevel levelFor(String domain) {
        if (domain == null) {
            return level;
        }
        AccessLevel l = domainLevels.get(domain);
        return l == null ? level : l;
    }

    /**
     * Whether the scope is limited to named resources.
     *
     * @return true when {@link #resources()} is not empty
     */
    public boolean isResourceLimited() {
        return !resources.isEmpty();
    }

    /**
     * Whether this scope covers the named resource. An unlimited scope covers everything; a limited scope
     * covers a resource equal to one of its names or below it (separated by {@code '/'}).
     *
     * @param resource the resource a request is on, or empty when it names none
     * @return whether the scope covers it (an empty resource is covered only by an unlimited scope)
     */
    public boolean coversResource(Optional<String> resource) {
        if (resources.isEmpty()) {
            return true;
        }
        if (resource.isEmpty()) {
            return false;
        }
        String r = resource.get();
        for (String grant : resources) {
            if (r.equals(grant) || (r.length() > grant.length() && r.startsWith(grant) && r.charAt(grant.length()) == '/')) {
                return true;
            }
        }
        return false;
    }
}
