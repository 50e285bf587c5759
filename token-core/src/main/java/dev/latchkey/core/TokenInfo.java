package dev.latchkey.core;

import dev.latchkey.spi.Scope;
import dev.latchkey.spi.TokenKind;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Non-secret facts about the token that authenticated a request, for the host (exposed by the servlet
 * filter as a request attribute).
 *
 * @param id             public id
 * @param kind           personal or service
 * @param name           token name
 * @param owner          owner (or service principal name)
 * @param effectiveScope the scope in force for this request: the stored scope capped by what the owner may
 *                       currently grant
 * @param expiresAt      expiry, if any
 *
 * @since 0.1
 */
public record TokenInfo(String id, TokenKind kind, String name, String owner, Scope effectiveScope,
                        Optional<Instant> expiresAt) {
    /**
     * Checks the fields.
     *
     * @param id             public id
     * @param kind           personal or service
     * @param name           token name
     * @param owner          owner (or service principal name)
     * @param effectiveScope the scope in force for this request
     * @param expiresAt      expiry, if any
     * @throws NullPointerException if a field is null
     */
    public TokenInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(effectiveScope, "effectiveScope");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
