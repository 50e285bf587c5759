package dev.latchkey.core.internal.lifecycle;

import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Policy;
import dev.latchkey.core.TokenSecret;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.core.internal.authn.TokenCache;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.DuplicateTokenException;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LimitExceededException;
import dev.latchkey.spi.Revocation;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenState;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A token's family: the token and every successor its rotations made. A rotation revokes the old record with
 * reason {@value #ROTATED_TO}{@code <successor id>} at the instant the successor is created; a link counts only
 * when the successor really is that: same owner, kind and name, created at that very instant. So a reason a user
 * typed when revoking ("rotated to" someone else's id) never links to another token.
 *
 * <p>{@link #rotate} is the one place that writes the link, for a rotation by a user and for a token's rotation of
 * itself alike. {@link #revokeSuccessors} is reuse detection's answer: a rotated-away secret came back, so every successor
 * still active is revoked as leaked (audited, which tells the owner). Each revocation is a compare-and-set; a
 * successor that is rotated meanwhile is followed to its own successor, so a racing rotation cannot slip out.
 */
final class RotationFamily {
    /** The revocation reason of a rotated-away record, followed by the successor's id. */
    static final String ROTATED_TO = "rotated to ";
    private static final int MAX_GENERATIONS = 10_000;

    private final EngineSettings s;
    private final TokenSpecs specs;
    private final TokenCache cache;
    private final Auditor auditor;

    RotationFamily(EngineSettings s, TokenSpecs specs, TokenCache cache, Auditor auditor) {
        this.s = s;
        this.specs = specs;
        this.cache = cache;
        this.auditor = auditor;
    }

    /** A rotation's outcome: the old record as stored (revoked, linked) and the successor with its secret. */
    record Rotated(TokenRecord revoked, IssuedToken successor) {
    }

    /**
     * Replaces {@code old} (as read, at its version) by a successor in one atomic store step: of racing rotations
     * exactly one revokes the old record. The successor keeps every restriction and its creator (a rotation by the
     * owner must not turn restrictions a token manager set into restrictions the owner set, and may then widen)
     * and the old lifetime, cut to the policy's maximum; the policy's limits apply as on create.
     *
     * @throws ConcurrentUpdateException another writer changed {@code old} since it was read
     * @throws LimitExceededException the successor would break a policy limit
     */
    Rotated rotate(TokenRecord old, String actor, Policy p, Instant now) {
        Optional<Instant> expiresAt = old.expiresAt().map(e -> plus(now, Duration.between(old.createdAt(), e)));
        if (expiresAt.isPresent() && p.maxLifetime().isPresent()
                && Duration.between(now, expiresAt.get()).compareTo(p.maxLifetime().get()) > 0) {
            expiresAt = Optional.of(plus(now, p.maxLifetime().get()));
        }
        if (expiresAt.isEmpty() && p.expiryRequired()) {
            expiresAt = p.defaultLifetime().or(p::maxLifetime).map(d -> plus(now, d));
        }
        InsertConditions limits = TokenSpecs.limits(p, old.kind(), now);
        for (int collisions = 0; ; collisions++) {
            TokenSecret secret = s.format().generate(old.kind());
            TokenRecord successor = specs.newRecord(secret, old.kind(), old.name(), old.owner(), old.createdBy(),
                    old.scope(), old.allowedCidrs(), now, expiresAt);
            TokenRecord revoked = old.withRevocation(new Revocation(now, actor, ROTATED_TO + successor.id()));
            TokenRecord stored;
            try {
                stored = s.store().rotate(revoked, old.version(), successor, limits);
            } catch (DuplicateTokenException e) {
                if (collisions >= 3) {
                    throw e; // 178 random bits colliding four times means something else is wrong
                }
                continue;
            }
            cache.changedLocally(stored);
            cache.changedLocally(successor);
            return new Rotated(stored, new IssuedToken(successor, secret));
        }
    }

    /** A lifetime carried over from a stored record: out of {@link Instant}'s range means the farthest instant. */
    private static Instant plus(Instant now, Duration d) {
        try {
            return now.plus(d);
        } catch (ArithmeticException | DateTimeException e) {
            return Instant.MAX.truncatedTo(ChronoUnit.MILLIS);
        }
    }

    /** The successor {@code r} was rotated to, when {@code r} was rotated away (checked as the class says). */
    Optional<TokenRecord> successor(TokenRecord r) {
        if (r.revocation().isEmpty() || !r.revocation().get().reason().startsWith(ROTATED_TO)) {
            return Optional.empty();
        }
        Revocation rev = r.revocation().get();
        String id = rev.reason().substring(ROTATED_TO.length()).strip();
        if (id.isEmpty() || id.length() > 64) {
            return Optional.empty();
        }
        return s.store().findById(id).filter(n -> n.owner().equals(r.owner()) && n.kind() == r.kind()
                && n.name().equals(r.name()) && n.createdAt().equals(rev.at()) && !n.id().equals(r.id()));
    }

    /** Whether {@code r} was rotated away (its secret was replaced, not just revoked). */
    boolean rotatedAway(TokenRecord r) {
        return successor(r).isPresent();
    }

    /**
     * Revokes every active successor of {@code reused} as leaked, by {@code system}, with {@code where} as the
     * place.
     *
     * @return how many were revoked by this call
     */
    int revokeSuccessors(TokenRecord reused, String where) {
        int revoked = 0;
        Set<String> seen = new HashSet<>();
        seen.add(reused.id());
        Optional<TokenRecord> next = successor(reused);
        for (int g = 0; next.isPresent() && g < MAX_GENERATIONS; g++) {
            TokenRecord cur = next.get();
            if (!seen.add(cur.id())) {
                break;
            }
            for (int attempt = 0; attempt < 20 && cur.state(now()) == TokenState.ACTIVE; attempt++) {
                TokenRecord stored;
                try {
                    stored = s.store().update(cur.withRevocation(new Revocation(now(), "system", LeakedTokens.REASON)),
                            cur.version());
                } catch (ConcurrentUpdateException e) {
                    cur = s.store().findById(cur.id()).orElse(cur); // rotated or changed meanwhile: look again
                    continue;
                }
                cache.changedLocally(stored);
                audit(stored, reused, where);
                revoked++;
                cur = stored;
            }
            next = successor(cur); // rotated meanwhile: its successor belongs to the family too
        }
        return revoked;
    }

    private void audit(TokenRecord stored, TokenRecord reused, String where) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("reason", LeakedTokens.REASON);
        d.put("foundAt", where);
        d.put("reporter", "self-rotation reuse detection");
        d.put("reusedTokenId", reused.id());
        d.put("createdBy", stored.createdBy());
        auditor.audit(new AuditEvent(AuditEventType.TOKEN_REVOKED, now(), "system", Optional.of(stored.id()),
                Optional.of(stored.owner()), Optional.empty(), AuditOutcome.SUCCESS, Optional.empty(), d));
    }

    private Instant now() {
        return s.clock().instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
