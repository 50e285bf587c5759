package dev.latchkey.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The stored record of a token. It never holds the secret: only a digest of it, computed by the engine with
 * the algorithm named in {@link #digestAlgorithm()} so the algorithm can change later.
 *
 * <p>Immutable; changes are made by copying ({@code with...}) and written with
 * {@link TokenStore#update(TokenRecord, long)}, which checks {@link #version()}.
 *
 * @param id              public, non-secret id (safe in URLs and logs)
 * @param kind            personal or service
 * @param name            a human name, unique per owner only by convention
 * @param owner           the user a personal token acts as; for a service token, its service principal name
 * @param createdBy       who created it (differs from the owner when created on behalf of somebody)
 * @param scope           what it may do
 * @param allowedCidrs    CIDR ranges it may be used from (canonical text); empty means no per-token limit
 * @param digest          lower-case hex digest of the secret, the lookup key
 * @param digestAlgorithm the id of the digest algorithm ({@code sha256}, {@code hmac-sha256:<keyId>}, ...)
 * @param hint            short non-secret hint for people to recognise the token (e.g. {@code lkp_…x3Zq})
 * @param createdAt       when it was created
 * @param expiresAt       when it stops working, if it expires
 * @param revocation      when, by whom and why it was revoked, if it was
 * @param lastUse         the latest recorded use, if any
 * @param version         optimistic-concurrency version, incremented by the store on every update
 *
 * @since 0.1
 */
public record TokenRecord(
        String id,
        TokenKind kind,
        String name,
        String owner,
        String createdBy,
        Scope scope,
        List<String> allowedCidrs,
        String digest,
        String digestAlgorithm,
        String hint,
        Instant createdAt,
        Optional<Instant> expiresAt,
        Optional<Revocation> revocation,
        Optional<LastUse> lastUse,
        long version) {

    /**
     * Checks and normalises the components; see the record description for each one's meaning.
     *
     * @param id              public, non-secret id (safe in URLs and logs)
     * @param kind            personal or service
     * @param name            a human name, unique per owner only by convention
     * @param owner           the user a personal token acts as; for a service token, its service principal name
     * @param createdBy       who created it (differs from the owner when created on behalf of somebody)
     * @param scope           what it may do
     * @param allowedCidrs    CIDR ranges it may be used from (canonical text); empty means no per-token limit
     * @param digest          lower-case hex digest of the secret, the lookup key
     * @param digestAlgorithm the id of the digest algorithm ({@code sha256}, {@code hmac-sha256:<keyId>}, ...)
     * @param hint            short non-secret hint for people to recognise the token (e.g. {@code lkp_…x3Zq})
     * @param createdAt       when it was created
     * @param expiresAt       when it stops working, if it expires
     * @param revocation      when, by whom and why it was revoked, if it was
     * @param lastUse         the latest recorded use, if any
     * @param version         optimistic-concurrency version, incremented by the store on every update
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if a component is out of range (the message says which)
     */
    public TokenRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(scope, "scope");
        allowedCidrs = List.copyOf(Objects.requireNonNull(allowedCidrs, "allowedCidrs"));
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(digestAlgorithm, "digestAlgorithm");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(revocation, "revocation");
        Objects.requireNonNull(lastUse, "lastUse");
        if (lastUse.isPresent() && !lastUse.get().tokenId().equals(id)) {
            throw new IllegalArgumentException("lastUse belongs to token " + lastUse.get().tokenId() + ", not " + id);
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
    }

    /**
     * The state at {@code now}: revoked wins over expired; a token expires at its expiry instant.
     *
     * @param now the instant to judge at
     * @return the state
     */
    public TokenState state(Instant now) {
        if (revocation.isPresent()) {
            return TokenState.REVOKED;
        }
        if (expiresAt.isPresent() && !now.isBefore(expiresAt.get())) {
            return TokenState.EXPIRED;
        }
        return TokenState.ACTIVE;
    }

    /**
     * A copy of this record with the new name.
     *
     * @param newName the new name
     * @return the copy; this record is unchanged
     * @throws NullPointerException     if the value is null
     * @throws IllegalArgumentException if the copy would be inconsistent (see the record's constructor)
     */
    public TokenRecord withName(String newName) {
        return new TokenRecord(id, kind, newName, owner, createdBy, scope, allowedCidrs, digest, digestAlgorithm,
                hint, createdAt, expiresAt, revocation, lastUse, version);
    }

    /**
     * A copy of this record with the new scope.
     *
     * @param newScope the new scope
     * @return the copy; this record is unchanged
     * @throws NullPointerException     if the value is null
     * @throws IllegalArgumentException if the copy would be inconsistent (see the record's constructor)
     */
    public TokenRecord withScope(Scope newScope) {
        return new TokenRecord(id, kind, name, owner, createdBy, newScope, allowedCidrs, digest, digestAlgorithm,
                hint, createdAt, expiresAt, revocation, lastUse, version);
    }

    /**
     * A copy of this record with the new allowed CIDRs.
     *
     * @param newCidrs the new allowed CIDRs
     * @return the copy; this record is unchanged
     * @throws NullPointerException     if the value is null
     * @throws IllegalArgumentException if the copy would be inconsistent (see the record's constructor)
     */
    public TokenRecord withAllowedCidrs(List<String> newCidrs) {
        return new TokenRecord(id, kind, name, owner, createdBy, scope, newCidrs, digest, digestAlgorithm,
                hint, createdAt, expiresAt, revocation, lastUse, version);
    }

    /**
     * A copy of this record with the new expiry, or empty for none.
     *
     * @param newExpiresAt the new expiry, or empty for none
     * @return the copy; this record is unchanged
     * @throws NullPointerException     if the value is null
     * @throws IllegalArgumentException if the copy would be inconsistent (see the record's constructor)
     */
    public TokenRecord withExpiresAt(Optional<Instant> newExpiresAt) {
        return new TokenRecord(id, kind, name, owner, createdBy, scope, allowedCidrs, digest, digestAlgorithm,
                hint, createdAt, newExpiresAt, revocation, lastUse, version);
    }

    /**
     * A copy of this record with the revocation.
     *
     * @param newRevocation the revocation
     * @return the copy; this record is unchanged
     * @throws NullPointerException     if the value is null
     * @throws IllegalArgumentException if the copy would be inconsistent (see the record's constructor)
     */
    public TokenRecord withRevocation(Revocation newRevocation) {
        return new TokenRecord(id, kind, name, owner, createdBy, scope, allowedCidrs, digest, digestAlgorithm,
                hint, createdAt, expiresAt, Optional.of(newRevocation), lastUse, version);
    }

    /**
     * A copy of this record with the last use, or empty for none.
     *
     * @param newLastUse the last use, or empty for none
     * @return the copy; this record is unchanged
     * @throws NullPointerException     if the value is null
     * @throws IllegalArgumentException if the copy would be inconsistent (see the record's constructor)
     */
    public TokenRecord withLastUse(Optional<LastUse> newLastUse) {
        return new TokenRecord(id, kind, name, owner, createdBy, scope, allowedCidrs, digest, digestAlgorithm,
                hint, createdAt, expiresAt, revocation, newLastUse, version);
    }

    /**
     * A copy of this record with the new version.
     *
     * @param newVersion the new version
     * @return the copy; this record is unchanged
     * @throws NullPointerException     if the value is null
     * @throws IllegalArgumentException if the copy would be inconsistent (see the record's constructor)
     */
    public TokenRecord withVersion(long newVersion) {
        return new TokenRecord(id, kind, name, owner, createdBy, scope, allowedCidrs, digest, digestAlgorithm,
                hint, createdAt, expiresAt, revocation, lastUse, newVersion);
    }

    /** Omits the digest: it is not secret, but it has no business in logs either. */
    @Override
    public String toString() {
        return "TokenRecord[id=" + id + ", kind=" + kind + ", name=" + name + ", owner=" + owner
                + ", createdBy=" + createdBy + ", scope=" + scope + ", allowedCidrs=" + allowedCidrs
                + ", digestAlgorithm=" + digestAlgorithm + ", hint=" + hint + ", createdAt=" + createdAt
                + ", expiresAt=" + expiresAt + ", revocation=" + revocation + ", lastUse=" + lastUse
                + ", version=" + version + "]";
    }
}
