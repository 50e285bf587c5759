package dev.latchkey.core.classify;

import dev.latchkey.spi.AccessLevel;
import java.util.Objects;
import java.util.Optional;

/**
 * What a request needs from a token.
 *
 * @param level    the access level needed
 * @param domain   the resource domain (e.g. {@code project}, {@code repository}) whose level applies, if any
 * @param resource the resource the request acts on (e.g. {@code PROJ/repo}), if any
 */
public record Requirement(AccessLevel level, Optional<String> domain, Optional<String> resource) {
    public Requirement {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(resource, "resource");
    }

    /** A requirement of {@code level} on no particular resource. */
    public static Requirement of(AccessLevel level) {
        return new Requirement(level, Optional.empty(), Optional.empty());
    }

    /** A requirement of {@code level} on {@code resource} in {@code domain}. */
    public static Requirement on(AccessLevel level, String domain, String resource) {
        return new Requirement(level, Optional.of(domain), Optional.of(resource));
    }
}
