package dev.latchkey.core;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.TokenKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What to create. Built with {@link #builder(String, AccessLevel)}; validated by the lifecycle service against
 * the permission model and the policy.
 *
 * @param name          a name for people (1 to 255 characters; no control, format or line-separator characters such
 *                      as bidirectional overrides, and nothing shaped like a token)
 * @param kind          personal (default) or service
 * @param owner         create on behalf of this user (token managers only); empty means the actor
 * @param level         the access level
 * @param domainLevels  optional per-domain levels, each at most {@code level}
 * @param resources     resources the token is limited to; a service token needs exactly one
 * @param expiresAt     an explicit expiry; exclusive with {@code lifetime}
 * @param lifetime      a lifetime from now; exclusive with {@code expiresAt}; neither means the policy default
 * @param allowedCidrs  CIDR ranges it may be used from
 *
 * @since 0.1
 */
public record NewToken(String name, TokenKind kind, Optional<String> owner, AccessLevel level,
                       Map<String, AccessLevel> domainLevels, Set<String> resources,
                       Optional<Instant> expiresAt, Optional<Duration> lifetime, List<String> allowedCidrs) {

    /**
     * Checks the fields and keeps immutable copies of the collections.
     *
     * @param name         a name for people
     * @param kind         personal or service
     * @param owner        the owner to create it for; empty means the actor
     * @param level        the access level
     * @param domainLevels per-domain levels
     * @param resources    resources the token is limited to
     * @param expiresAt    an explicit expiry
     * @param lifetime     a lifetime from now
     * @param allowedCidrs CIDR ranges it may be used from
     * @throws NullPointerException if a field, or an entry of a collection, is null
     * @throws ValidationException  if both {@code expiresAt} and {@code lifetime} are given
     */
    public NewToken {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(level, "level");
        domainLevels = Map.copyOf(Objects.requireNonNull(domainLevels, "domainLevels"));
        resources = Set.copyOf(Objects.requireNonNull(resources, "resources"));
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(lifetime, "lifetime");
        allowedCidrs = List.copyOf(Objects.requireNonNull(allowedCidrs, "allowedCidrs"));
        if (expiresAt.isPresent() && lifetime.isPresent()) {
            throw new ValidationException("expiresAt",
                    "both expiresAt and a lifetime (expiresInDays) were given; give one of them");
        }
    }

    /**
     * A builder for a personal token named {@code name} with {@code level}.
     *
     * @param name  the token's name
     * @param level the token's access level
     * @return a builder for a personal token, with no restriction set
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(String name, AccessLevel level) {
        return new Builder(name, level);
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final AccessLevel level;
        private TokenKind kind = TokenKind.PERSONAL;
        private Optional<String> owner = Optional.empty();
        private Map<String, AccessLevel> domainLevels = Map.of();
        private Set<String> resources = Set.of();
        private Optional<Instant> expiresAt = Optional.empty();
        private Optional<Duration> lifetime = Optional.empty();
        private List<String> allowedCidrs = List.of();

        private Builder(String name, AccessLevel level) {
            this.name = Objects.requireNonNull(name, "name");
            this.level = Objects.requireNonNull(level, "level");
        }

        /**
         * Make a service token bound to {@code resource}.
         *
         * @param resource the one resource the service token acts on
         * @return this builder
         * @throws NullPointerException if {@code resource} is null
         */
        public Builder service(String resource) {
            this.kind = TokenKind.SERVICE;
            this.resources = Set.of(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /**
         * Creates the token on behalf of {@code v} (token managers only).
         *
         * @param v the owner's user name
         * @return this builder
         * @throws NullPointerException if {@code v} is null
         */
        public Builder owner(String v) { this.owner = Optional.of(Objects.requireNonNull(v, "owner")); return this; }

        /**
         * Per-domain levels, each at most the token's level. Default: none.
         *
         * @param v the level for each domain (e.g. {@code project}, {@code repository})
         * @return this builder
         */
        public Builder domainLevels(Map<String, AccessLevel> v) { this.domainLevels = v; return this; }

        /**
         * The resources the token is limited to; a service token has exactly one. Default: none.
         *
         * @param v the resource names
         * @return this builder
         */
        public Builder resources(Set<String> v) { this.resources = v; return this; }

        /**
         * An explicit expiry; not together with {@link #lifetime}.
         *
         * @param v when the token expires
         * @return this builder
         * @throws NullPointerException if {@code v} is null
         */
        public Builder expiresAt(Instant v) { this.expiresAt = Optional.of(Objects.requireNonNull(v, "expiresAt")); return this; }

        /**
         * A lifetime from creation; not together with {@link #expiresAt}.
         *
         * @param v how long the token lives
         * @return this builder
         * @throws NullPointerException if {@code v} is null
         */
        public Builder lifetime(Duration v) { this.lifetime = Optional.of(Objects.requireNonNull(v, "lifetime")); return this; }

        /**
         * The CIDR ranges the token may be used from. Default: none.
         *
         * @param v the ranges or single addresses
         * @return this builder
         */
        public Builder allowedCidrs(List<String> v) { this.allowedCidrs = v; return this; }

        /**
         * The request, not yet validated against the permission model and the policy.
         *
         * @return the new token's description
         * @throws NullPointerException if a collection given to the builder is null
         * @throws ValidationException  if both an expiry and a lifetime were given
         */
        public NewToken build() {
            return new NewToken(name, kind, owner, level, domainLevels, resources, expiresAt, lifetime, allowedCidrs);
        }
    }
}
