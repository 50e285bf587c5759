package dev.latchkey.core.internal.lifecycle;

import dev.latchkey.core.Actor;
import dev.latchkey.core.Capabilities;
import dev.latchkey.core.ConflictException;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.Policy;
import dev.latchkey.core.TokenChanges;
import dev.latchkey.core.TokenSecret;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.core.internal.authn.TokenCache;
import dev.latchkey.core.internal.policy.PolicyHolder;
import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.DuplicateTokenException;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LimitExceededException;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenSort;
import dev.latchkey.spi.TokenState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The token lifecycle ({@link TokenService}), authorised by the permission model and audited.
 *
 * @since 0.1
 */
public final class TokenLifecycle implements TokenService {

    private final EngineSettings s;
    private final TokenCache cache;
    private final LeakedTokens leaked;
    private final Permissions perm;
    private final TokenSpecs specs;
    private final Modifications mods;
    private final RotationFamily family;
    private final SelfRotation self;

    public TokenLifecycle(EngineSettings s, PolicyHolder policy, TokenCache cache, Auditor auditor) {
        this.s = s;
        this.cache = cache;
        this.leaked = new LeakedTokens(s, policy, cache, auditor);
        this.perm = new Permissions(s, policy, auditor);
        this.specs = new TokenSpecs(s);
        this.mods = new Modifications(s, perm, specs, cache, auditor);
        this.family = new RotationFamily(s, specs, cache, auditor);
        this.self = new SelfRotation(s, policy, family, auditor);
    }

    // ------------------------------------------------------------------ permission model

    @Override
    public Capabilities capabilities(Actor actor) {
        Objects.requireNonNull(actor, "actor");
        Optional<DirectoryUser> u = s.directory().findUser(actor.user());
        if (u.isEmpty() || !u.get().active()) {
            return Capabilities.none();
        }
        Policy p = perm.policy();
        Set<String> g = u.get().groups();
        return new Capabilities(p.useTokens().admits(g), p.createTokens().admits(g), p.maxLevelFor(g),
                p.manageTokens().admits(g), p.administerPolicy().admits(g));
    }

    // ------------------------------------------------------------------ create

    @Override
    public IssuedToken create(Actor actor, NewToken spec) {
        Objects.requireNonNull(spec, "spec");
        DirectoryUser actorUser = perm.requireActor(actor, AuditEventType.TOKEN_CREATE_DENIED);
        Policy p = perm.policy();
        String owner = perm.mayCreate(actor, actorUser, spec, p);
        specs.checkName(spec.name());
        Scope scope = specs.scope(spec.level(), spec.domainLevels(), spec.resources());
        List<String> cidrs = CidrSet.canonicalize("allowedCidrs", spec.allowedCidrs());
        Instant now = perm.now();
        Optional<Instant> expiresAt = specs.expiry(p, now, spec.expiresAt(), spec.lifetime());
        IssuedToken issued = insertNew(spec.kind(), spec.name(), owner, actor.user(), scope, cidrs, now, expiresAt,
                TokenSpecs.limits(p, spec.kind(), now));
        TokenRecord r = issued.record();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("createdBy", actor.user());
        details.put("kind", r.kind().name());
        details.put("name", SafeText.printable(r.name()));
        details.put("level", r.scope().level().name());
        details.put("resources", String.join(",", r.scope().resources()));
        details.put("allowedCidrs", String.join(",", r.allowedCidrs()));
        details.put("expiresAt", r.expiresAt().map(Instant::toString).orElse("never"));
        perm.auditOk(AuditEventType.TOKEN_CREATED, actor, r, details);
        return issued;
    }

    private IssuedToken insertNew(TokenKind kind, String name, String owner, String createdBy, Scope scope,
                                  List<String> cidrs, Instant now, Optional<Instant> expiresAt,
                                  InsertConditions limits) {
        for (int attempt = 0; ; attempt++) {
            TokenSecret secret = s.format().generate(kind);
            TokenRecord r = specs.newRecord(secret, kind, name, owner, createdBy, scope, cidrs, now, expiresAt);
            try {
                s.store().insert(r, limits);
                cache.changedLocally(r);
                return new IssuedToken(r, secret);
            } catch (DuplicateTokenException e) {
                if (attempt >= 3) {
                    throw e; // 178 random bits colliding four times means something else is wrong
                }
            } catch (LimitExceededException e) {
                throw TokenSpecs.limitConflict(e, owner, name, limits);
            }
        }
    }

    // ------------------------------------------------------------------ read

    @Override
    public TokenRecord get(Actor actor, String id) {
        DirectoryUser u = perm.requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        return perm.visible(actor, u, id);
    }

    @Override
    public Page<TokenRecord> listOwn(Actor actor, int page, int size) {
        perm.requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        return s.store().query(TokenQuery.builder(perm.now()).owner(actor.user()).kind(TokenKind.PERSONAL)
                .sort(TokenSort.CREATED_AT, true).page(page).size(size).build());
    }

    @Override
    public Page<TokenRecord> query(Actor actor, TokenQuery query) {
        Objects.requireNonNull(query, "query");
        DirectoryUser u = perm.requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        if (!perm.isManager(u)) {
            throw perm.denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.empty(), Optional.empty(),
                    "listing all tokens needs the token manager capability, which " + actor.user() + " does not have");
        }
        return s.store().query(query);
    }

    // ------------------------------------------------------------------ change

    @Override
    public TokenRecord update(Actor actor, String id, TokenChanges changes) {
        return mods.update(actor, id, changes);
    }

    @Override
    public TokenRecord revoke(Actor actor, String id, String reason) {
        return mods.revoke(actor, id, reason);
    }

    @Override
    public int revokeAllOf(Actor actor, String owner, String reason) {
        return mods.revokeAllOf(actor, owner, reason);
    }

    @Override
    public int revokeMatching(Actor actor, TokenQuery filter, String reason) {
        return mods.revokeMatching(actor, filter, reason);
    }

    @Override
    public IssuedToken rotate(Actor actor, String id) {
        DirectoryUser u = perm.requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        for (int attempt = 0; ; attempt++) {
            Optional<IssuedToken> done = tryRotate(actor, u, id, attempt >= 10);
            if (done.isPresent()) {
                return done.get();
            }
        }
    }

    /** One rotation attempt from a fresh read; empty when a concurrent change (not a rotation) got in first. */
    private Optional<IssuedToken> tryRotate(Actor actor, DirectoryUser u, String id, boolean lastAttempt) {
        TokenRecord old = perm.visible(actor, u, id);
        Instant now = perm.now();
        if (old.state(now) != TokenState.ACTIVE) {
            throw new ConflictException("token " + id + " is " + old.state(now).name().toLowerCase()
                    + "; only an active token can be rotated");
        }
        Policy p = perm.policy();
        perm.requireMayCreateNow(actor, u, old, p);
        RotationFamily.Rotated done;
        try {
            done = family.rotate(old, actor.user(), p, now);
        } catch (ConcurrentUpdateException e) {
            // lost to another writer: a rotation or revocation shows as revoked on the next read (409 there);
            // a mere rename is retried from the fresh record
            if (lastAttempt) {
                throw new ConflictException("token " + id + " kept changing while it was being rotated; try again");
            }
            return Optional.empty();
        } catch (LimitExceededException e) {
            throw TokenSpecs.limitConflict(e, old.owner(), old.name(), TokenSpecs.limits(p, old.kind(), now));
        }
        TokenRecord successor = done.successor().record();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("newTokenId", successor.id());
        details.put("rotatedBy", actor.user());
        details.put("expiresAt", Modifications.change(old.expiresAt().map(Instant::toString).orElse("never"),
                successor.expiresAt().map(Instant::toString).orElse("never")));
        perm.auditOk(AuditEventType.TOKEN_ROTATED, actor, done.revoked(), details);
        return Optional.of(done.successor());
    }

    @Override
    public int purge(Actor actor, Instant before) {
        return mods.purge(actor, before);
    }

    // ------------------------------------------------------------------ tokens found by value (issue 14)

    @Override
    public Optional<TokenRecord> identify(Actor actor, String token) {
        return leaked.identify(actor, token);
    }

    @Override
    public TokenRecord revokeFound(Actor actor, String token, String foundAt) {
        return leaked.revokeFound(actor, token, foundAt);
    }

    @Override
    public dev.latchkey.core.LeakOutcome reportLeaked(String reporter, String token, String foundAt) {
        return leaked.reportLeaked(reporter, token, foundAt);
    }

    @Override
    public IssuedToken rotateSelf(dev.latchkey.core.Credential presented, String clientIp) {
        return self.rotate(presented, clientIp);
    }
}
