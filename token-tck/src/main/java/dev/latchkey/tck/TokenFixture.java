package dev.latchkey.tck;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.Revocation;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenRecord;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Builds token records for the contract tests; every instant is a whole millisecond. */
final class TokenFixture {

    /** The kit's epoch: every fixture instant is an offset from it. */
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private String id;
    private TokenKind kind = TokenKind.PERSONAL;
    private String name;
    private String owner = "alice";
    private String createdBy = "alice";
    private Scope scope = Scope.of(AccessLevel.READ);
    private List<String> allowedCidrs = List.of();
    private String digest;
    private String digestAlgorithm = "sha256";
    private String hint = "lkp_…x3Zq";
    private Instant createdAt = T0;
    private Optional<Instant> expiresAt = Optional.empty();
    private Optional<Revocation> revocation = Optional.empty();
    private Optional<Instant> lastUsedAt = Optional.empty();
    private String lastUsedIp = "192.0.2.10";

    private TokenFixture(String id) {
        this.id = id;
        this.name = "token " + id;
        this.digest = digestOf(id);
    }

    static TokenFixture token(String id) {
        return new TokenFixture(id);
    }

    /** A realistic lower-case hex SHA-256 of some text, distinct per text. */
    static String digestOf(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(("latchkey-tck:" + text).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Instant at(Duration offset) {
        return T0.plus(offset);
    }

    static Instant hours(long h) {
        return T0.plus(Duration.ofHours(h));
    }

    static Instant days(long d) {
        return T0.plus(Duration.ofDays(d));
    }

    TokenFixture kind(TokenKind v) { this.kind = v; return this; }
    TokenFixture name(String v) { this.name = v; return this; }
    TokenFixture owner(String v) { this.owner = v; return this; }
    TokenFixture createdBy(String v) { this.createdBy = v; return this; }
    TokenFixture scope(Scope v) { this.scope = v; return this; }
    TokenFixture allowedCidrs(List<String> v) { this.allowedCidrs = v; return this; }
    TokenFixture digest(String v) { this.digest = v; return this; }
    TokenFixture digestAlgorithm(String v) { this.digestAlgorithm = v; return this; }
    TokenFixture hint(String v) { this.hint = v; return this; }
    TokenFixture createdAt(Instant v) { this.createdAt = v; return this; }
    TokenFixture expiresAt(Instant v) { this.expiresAt = Optional.of(v); return this; }
    TokenFixture revokedAt(Instant v) { this.revocation = Optional.of(new Revocation(v, "admin", "test")); return this; }
    TokenFixture revocation(Revocation v) { this.revocation = Optional.of(v); return this; }
    TokenFixture lastUsedAt(Instant v) { this.lastUsedAt = Optional.of(v); return this; }
    TokenFixture lastUsedIp(String v) { this.lastUsedIp = v; return this; }

    TokenRecord build() {
        Optional<LastUse> lastUse = lastUsedAt.map(at -> new LastUse(id, at, lastUsedIp));
        return new TokenRecord(id, kind, name, owner, createdBy, scope, allowedCidrs, digest, digestAlgorithm, hint,
                createdAt, expiresAt, revocation, lastUse, 0);
    }
}
