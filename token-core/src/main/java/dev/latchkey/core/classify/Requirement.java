package dev.latchkey.core.classify;

import dev.latchkey.spi.AccessLevel;
import java.util.Objects;
import java.util.Optional;

/**
 * What a request needs from a token.
 *
 * @param level          the access level needed
 * @param domain         the resource domain (e.g. {@code project}, {@code repository}) whose level applies, if any
 * @param resource       the resource the request acts on (e.g. {@code PROJ/repo}), if any
 * @param explicitDomain whether only an explicit grant of {@code domain} in the token's scope counts (a scope
 *                       that does not list the domain never satisfies it, whatever its overall level) — for
 *                       domains such as system administration that no token should reach by accident
 *
 * @since 0.1
 */
public record Requirement(AccessLevel level, Optional<String> domain, Optional<String> resource,
                          boolean explicitDomain) {
    /**
     * Checks the fields.
     *
     * @param level          the access level needed
     * @param domain         the resource domain whose level applies, if any
     * @param resource       the resource the request acts on, if any
     * @param explicitDomain whether only an explicit grant of {@code domain} counts
     * @throws NullPointerException     if a field is null
     * @throws IllegalArgumentException if {@code explicitDomain} is set without a domain
     */
    public Requirement {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(resource, "resource");
        if (explicitDomain && domain.isEmpty()) {
            throw new IllegalArgumentException("an explicit-domain requirement needs a domain");
        }
    }

    /**
     * A requirement whose domain, if any, may be granted by the token's overall level.
     *
     * @param level    the access level needed
     * @param domain   the resource domain whose level applies, if any
     * @param resource the resource the request acts on, if any
     * @throws NullPointerException if an argument is null
     */
    public Requirement(AccessLevel level, Optional<String> domain, Optional<String> resource) {
        this(level, domain, resource, false);
    }

    /**
     * A requirement of {@code level} on no particular resource.
     *
     * @param level the access level needed
     * @return the requirement
     * @throws NullPointerException if {@code level} is null
     */
    public static Requirement of(AccessLevel level) {
        return new Requirement(level, Optional.empty(), Optional.empty());
    }

    /**
     * A requirement of {@code level} on {@code resource} in {@code domain}.
     *
     * @param level    the access level needed
     * @param domain   the resource domain, e.g. {@code project}
     * @param resource the resource, e.g. {@code PROJ/repo}
     * @return the requirement
     * @throws NullPointerException if an argument is null
     */
    public static Requirement on(AccessLevel level, String domain, String resource) {
        return new Requirement(level, Optional.of(domain), Optional.of(resource));
    }

    /**
     * A requirement of {@code level} in {@code domain} on no particular resource that only a scope listing
     * {@code domain} explicitly can satisfy.
     *
     * @param level  the access level needed
     * @param domain the domain a token's scope must list, e.g. system administration
     * @return the requirement
     * @throws NullPointerException if an argument is null
     */
    public static Requirement explicit(AccessLevel level, String domain) {
        return new Requirement(level, Optional.of(domain), Optional.empty(), true);
    }
}
