package dev.latchkey.core.internal.lifecycle;

import dev.latchkey.core.Actor;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditOutcome;
import java.time.Instant;
import dev.latchkey.core.ConflictException;
import dev.latchkey.core.TokenChanges;
import dev.latchkey.core.ValidationException;
import dev.latchkey.core.internal.CidrNarrowing;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.authn.TokenCache;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.Revocation;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenSort;
import dev.latchkey.spi.TokenState;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Changes to existing tokens: updates of name, scope and address ranges (narrow-only where the permission model
 * says so), revocations one at a time and in bulk. Each is a read-modify-write with optimistic concurrency
 * ({@link #modify}), audited with what changed.
 */
final class Modifications {
    private final EngineSettings s;
    private final Permissions perm;
    private final TokenSpecs specs;
    private final TokenCache cache;
    private final Auditor auditor;

    Modifications(EngineSettings s, Permissions perm, TokenSpecs specs, TokenCache cache, Auditor auditor) {
        this.s = s;
        this.perm = perm;
        this.specs = specs;
        this.cache = cache;
        this.auditor = auditor;
    }

    static boolean resourcesWithin(Set<String> candidate, Set<String> current) {
        // no resources means "every resource"
        return current.isEmpty() || (!candidate.isEmpty() && current.containsAll(candidate));
    }

    static String change(String before, String after) {
        return before + " -> " + after;
    }

    static void putChange(Map<String, String> details, String field, String before, String after) {
        if (!before.equals(after)) {
            details.put(field, change(before, after));
        }
    }

    /** Read-modify-write with optimistic concurrency; retries when another writer got there first. */
    TokenRecord modify(Actor actor, DirectoryUser u, String id, UnaryOperator<TokenRecord> change) {
        for (int attempt = 0; ; attempt++) {
            TokenRecord current = perm.visible(actor, u, id);
            TokenRecord next = change.apply(current);
            if (next == current) {
                return current;
            }
            try {
                TokenRecord stored = s.store().update(next, current.version());
                cache.changedLocally(stored);
                return stored;
            } catch (ConcurrentUpdateException e) {
                if (attempt >= 10) {
                    throw new ConflictException("token " + id + " kept changing while it was being updated; try again");
                }
            }
        }
    }

    int revokeAll(Actor actor, TokenQuery activeFilter, String reason) {
        int count = 0;
        // always page 0: what we revoke drops out of the ACTIVE filter, so the next batch moves up
        for (int guard = 0; guard < 10_000; guard++) {
            Page<TokenRecord> page = s.store().query(activeFilter);
            if (page.items().isEmpty()) {
                break;
            }
            int before = count;
            for (TokenRecord r : page.items()) {
                TokenRecord after = revoke(actor, r.id(), reason);
                if (after.revocation().isPresent() && after.revocation().get().by().equals(actor.user())) {
                    count++;
                }
            }
            if (count == before) {
                break;
            }
        }
        return count;
    }

    TokenRecord update(Actor actor, String id, TokenChanges changes) {
        Objects.requireNonNull(changes, "changes");
        DirectoryUser u = perm.requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        changes.name().ifPresent(specs::checkName);
        List<String> cidrs = changes.allowedCidrs().map(c -> CidrSet.canonicalize("allowedCidrs", c)).orElse(null);
        Map<String, String> details = new LinkedHashMap<>();
        TokenRecord updated = modify(actor, u, id, r -> {
            if (r.state(perm.now()) != TokenState.ACTIVE) {
                throw new ConflictException("token " + id + " is " + r.state(perm.now()).name().toLowerCase()
                        + " and can no longer be changed");
            }
            details.clear(); // a retry after a concurrent update starts from the fresh record
            Optional<String> narrowOnly = perm.narrowOnlyReason(u, r);
            TokenRecord next = r;
            if (changes.name().isPresent()) {
                if (r.kind() == TokenKind.SERVICE) {
                    throw new ValidationException("name", "a service token's name is its principal and cannot change");
                }
                next = next.withName(changes.name().get());
                details.put("name", change(specs.audited(r.name()), specs.audited(changes.name().get())));
            }
            if (changes.level().isPresent() || changes.resources().isPresent()) {
                AccessLevel level = changes.level().orElse(r.scope().level());
                if (r.kind() == TokenKind.SERVICE && changes.resources().isPresent()) {
                    throw new ValidationException("resources", "a service token stays bound to its one resource");
                }
                Map<String, AccessLevel> domains = new HashMap<>();
                r.scope().domainLevels().forEach((d, l) -> domains.put(d, AccessLevel.min(l, level)));
                Scope scope = specs.scope(level, domains, changes.resources().orElse(r.scope().resources()));
                AccessLevel ceiling = perm.ceilingFor(actor, u, r);
                if (!ceiling.includes(scope.level())) {
                    throw perm.denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.of(r.id()), Optional.of(r.owner()),
                            "level " + scope.level() + " is above " + ceiling + ", the highest level that may be given "
                                    + "to this token");
                }
                if (narrowOnly.isPresent()) {
                    if (!r.scope().level().includes(scope.level())) {
                        throw perm.narrowOnlyDenied(actor, r, "level", scope.level() + " is higher than the token's "
                                + r.scope().level(), narrowOnly.get());
                    }
                    if (!resourcesWithin(scope.resources(), r.scope().resources())) {
                        throw perm.narrowOnlyDenied(actor, r, "resources", "the new resources "
                                + (scope.resources().isEmpty() ? "(none: every resource)" : "are not a subset of "
                                + String.join(",", r.scope().resources())), narrowOnly.get());
                    }
                }
                next = next.withScope(scope);
                putChange(details, "level", r.scope().level().name(), scope.level().name());
                putChange(details, "resources", specs.audited(String.join(",", r.scope().resources())),
                        specs.audited(String.join(",", scope.resources())));
                putChange(details, "domainLevels", r.scope().domainLevels().toString(),
                        scope.domainLevels().toString());
            }
            if (cidrs != null) {
                if (narrowOnly.isPresent() && !CidrNarrowing.within(cidrs, r.allowedCidrs())) {
                    throw perm.narrowOnlyDenied(actor, r, "allowedCidrs", "the new ranges "
                            + (cidrs.isEmpty() ? "(none: every address)" : "do not all lie within "
                            + String.join(",", r.allowedCidrs())), narrowOnly.get());
                }
                next = next.withAllowedCidrs(cidrs);
                putChange(details, "allowedCidrs", String.join(",", r.allowedCidrs()), String.join(",", cidrs));
            }
            return next;
        });
        perm.auditOk(AuditEventType.TOKEN_UPDATED, actor, updated, details);
        return updated;
    }
    TokenRecord revoke(Actor actor, String id, String reason) {
        DirectoryUser u = perm.requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        String why = specs.checkReason(reason);
        boolean[] changed = new boolean[1];
        TokenRecord r = modify(actor, u, id, cur -> {
            if (cur.revocation().isPresent()) {
                return cur;
            }
            changed[0] = true;
            return cur.withRevocation(new Revocation(perm.now(), actor.user(), why));
        });
        if (changed[0]) {
            perm.auditOk(AuditEventType.TOKEN_REVOKED, actor, r, Map.of("reason", why));
        }
        return r;
    }
    int revokeAllOf(Actor actor, String owner, String reason) {
        Objects.requireNonNull(owner, "owner");
        DirectoryUser u = perm.requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        if (!owner.equals(actor.user()) && !perm.isManager(u)) {
            throw perm.denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.empty(), Optional.of(owner),
                    "revoking the tokens of " + owner + " needs the token manager capability");
        }
        return revokeAll(actor, TokenQuery.builder(perm.now()).owner(owner).state(TokenState.ACTIVE).build(), reason);
    }
    int revokeMatching(Actor actor, TokenQuery filter, String reason) {
        Objects.requireNonNull(filter, "filter");
        DirectoryUser u = perm.requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        if (!perm.isManager(u)) {
            throw perm.denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.empty(), Optional.empty(),
                    "bulk revocation needs the token manager capability");
        }
        if (filter.state().isPresent() && filter.state().get() != TokenState.ACTIVE) {
            return 0; // only active tokens can be revoked
        }
        return revokeAll(actor, new TokenQuery(filter.owner(), filter.nameContains(), filter.kind(),
                Optional.of(TokenState.ACTIVE), filter.createdAfter(), filter.createdBefore(), filter.expiresBefore(),
                filter.lastUsedBefore(), filter.neverUsed(), TokenSort.CREATED_AT, false, 0, TokenQuery.MAX_PAGE_SIZE,
                perm.now()), reason);
    }

    int purge(Actor actor, Instant before) {
        Objects.requireNonNull(before, "before");
        DirectoryUser u = perm.requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        if (!perm.isManager(u)) {
            throw perm.denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.empty(), Optional.empty(),
                    "purging tokens needs the token manager capability");
        }
        if (before.isAfter(perm.now())) {
            throw new ValidationException("before", "must not be in the future");
        }
        int n = s.store().purge(before);
        auditor.audit(new AuditEvent(AuditEventType.TOKENS_PURGED, perm.now(), actor.user(), Optional.empty(),
                Optional.empty(), actor.clientIp(), AuditOutcome.SUCCESS, Optional.empty(),
                Map.of("before", before.toString(), "removed", Integer.toString(n))));
        return n;
    }
}
