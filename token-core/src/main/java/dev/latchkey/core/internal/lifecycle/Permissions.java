package dev.latchkey.core.internal.lifecycle;

import dev.latchkey.core.Actor;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.ValidationException;
import dev.latchkey.core.internal.text.SafeText;
import java.util.regex.Pattern;
import dev.latchkey.core.PermissionDeniedException;
import dev.latchkey.core.Policy;
import dev.latchkey.core.TokenNotFoundException;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.core.internal.policy.PolicyHolder;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The lifecycle's permission model: who may act at all, see a token, give which level, widen or only narrow a
 * token's restrictions. Every refusal is audited before it is thrown; successes are audited through
 * {@link #auditOk}.
 */
final class Permissions {
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String SERVICE_PREFIX = "service:";

    private final EngineSettings s;
    private final PolicyHolder policy;
    private final Auditor auditor;

    Permissions(EngineSettings s, PolicyHolder policy, Auditor auditor) {
        this.s = s;
        this.policy = policy;
        this.auditor = auditor;
    }

    /** The policy in force now. */
    Policy policy() {
        return policy.state().policy();
    }

    /** Now, in the millisecond precision stores keep and everything the engine writes has. */
    Instant now() {
        return s.clock().instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The actor's directory entry, or a refusal when the actor may not manage tokens at all. */
    DirectoryUser requireActor(Actor actor, AuditEventType deniedType) {
        Objects.requireNonNull(actor, "actor");
        if (actor.authenticatedByToken() && !policy().tokensMayManageTokens()) {
            throw denied(actor, deniedType, Optional.empty(), Optional.empty(),
                    PermissionDeniedException.TOKENS_MAY_NOT_MANAGE_TOKENS);
        }
        Optional<DirectoryUser> user = s.directory().findUser(actor.user());
        if (user.isEmpty() || !user.get().active()) {
            throw denied(actor, deniedType, Optional.empty(), Optional.empty(),
                    "user " + actor.user() + " is not an active user of the directory");
        }
        return user.get();
    }

    boolean isManager(DirectoryUser u) {
        return policy().manageTokens().admits(u.groups());
    }

    PermissionDeniedException denied(Actor actor, AuditEventType type, Optional<String> tokenId,
                                             Optional<String> owner, String message) {
        auditor.audit(new AuditEvent(type, now(), actor.user(), tokenId, owner, actor.clientIp(),
                AuditOutcome.FAILURE, Optional.of(message), Map.of()));
        return new PermissionDeniedException(message);
    }

    /** The record, if the actor may see it (owner or manager); otherwise not found. */
    TokenRecord visible(Actor actor, DirectoryUser actorUser, String id) {
        Objects.requireNonNull(id, "id");
        TokenRecord r = s.store().findById(id).orElseThrow(() -> new TokenNotFoundException(id));
        boolean own = r.kind() == TokenKind.PERSONAL && r.owner().equals(actor.user());
        if (!own && !isManager(actorUser)) {
            throw new TokenNotFoundException(id);
        }
        return r;
    }

    /**
     * Why the actor may only narrow this token's restrictions, or empty when they may set anything within the
     * owner's ceiling. A token manager may; an owner may widen only restrictions they set themselves, and only
     * while they may still create tokens: otherwise a widening update is a creation in disguise.
     */
    Optional<String> narrowOnlyReason(DirectoryUser actorUser, TokenRecord r) {
        if (isManager(actorUser)) {
            return Optional.empty();
        }
        if (setByManager(r)) {
            return Optional.of("its restrictions were set by " + r.createdBy() + " on behalf of its owner, so "
                    + actorUser.name() + " (not a token manager) may only narrow them");
        }
        if (!policy().createTokens().admits(actorUser.groups())) {
            return Optional.of(actorUser.name() + " is not in a group that may create tokens, so may only narrow "
                    + "this token's restrictions");
        }
        return Optional.empty();
    }

    /** Set on behalf of the owner: the creator was somebody else, acting as a token manager. */
    static boolean setByManager(TokenRecord r) {
        return r.kind() == TokenKind.PERSONAL && !r.createdBy().equals(r.owner());
    }

    PermissionDeniedException narrowOnlyDenied(Actor actor, TokenRecord r, String field, String what,
                                                       String why) {
        return denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.of(r.id()), Optional.of(r.owner()),
                field + ": " + what + "; " + why);
    }

    AccessLevel ceilingFor(Actor actor, DirectoryUser actorUser, TokenRecord r) {
        Policy p = policy();
        if (r.kind() == TokenKind.SERVICE) {
            return p.maxLevelFor(actorUser.groups()).orElse(AccessLevel.READ);
        }
        Optional<DirectoryUser> owner = r.owner().equals(actor.user()) ? Optional.of(actorUser)
                : s.directory().findUser(r.owner());
        Optional<AccessLevel> max = owner.flatMap(o -> p.maxLevelFor(o.groups()));
        if (max.isEmpty()) {
            throw denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.of(r.id()), Optional.of(r.owner()),
                    "no group of " + r.owner() + " may be given any token level");
        }
        return max.get();
    }

    /**
     * A rotation issues a new secret, so the actor must be able to create this very token now: still in the
     * create group (or a token manager), the owner still able to use tokens, the level within the owner's
     * ceiling (for a service token, the manager's).
     */
    void requireMayCreateNow(Actor actor, DirectoryUser u, TokenRecord old, Policy p) {
        boolean manager = isManager(u);
        if (!manager && !p.createTokens().admits(u.groups())) {
            throw denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.of(old.id()), Optional.of(old.owner()),
                    actor.user() + " is not in a group that may create tokens, so may not rotate one (a rotation "
                            + "creates a new token); revoke it instead, or ask a token manager");
        }
        if (old.kind() == TokenKind.PERSONAL) {
            Optional<DirectoryUser> owner = old.owner().equals(actor.user()) ? Optional.of(u)
                    : s.directory().findUser(old.owner()).filter(DirectoryUser::active);
            if (owner.isEmpty() || !p.useTokens().admits(owner.get().groups())) {
                throw denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.of(old.id()), Optional.of(old.owner()),
                        old.owner() + " is not an active user in a group that may use tokens, so a rotated token "
                                + "would never work");
            }
        }
        AccessLevel ceiling = ceilingFor(actor, u, old);
        if (!ceiling.includes(old.scope().level())) {
            throw denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.of(old.id()), Optional.of(old.owner()),
                    "the token's level " + old.scope().level() + " is above " + ceiling + ", the highest level that "
                            + "may be given to it now; lower its level or create a new token");
        }
    }

    void auditOk(AuditEventType type, Actor actor, TokenRecord r, Map<String, String> details) {
        Map<String, String> d = new LinkedHashMap<>(details);
        d.putIfAbsent("createdBy", r.createdBy());
        auditor.audit(new AuditEvent(type, now(), actor.user(), Optional.of(r.id()), Optional.of(r.owner()),
                actor.clientIp(), AuditOutcome.SUCCESS, Optional.empty(), d));
    }

    /**
     * Checks that the actor may create {@code spec} (a service token needs a token manager; a token for another
     * user too, and an active owner who may use tokens; the level within the owner's ceiling, for a service token
     * the actor's) and returns the new token's owner.
     *
     * @throws PermissionDeniedException (audited) if not
     */
    String mayCreate(Actor actor, DirectoryUser actorUser, NewToken spec, Policy p) {
        String owner;
        AccessLevel ceiling;
        if (spec.kind() == TokenKind.SERVICE) {
            if (!isManager(actorUser)) {
                throw denied(actor, AuditEventType.TOKEN_CREATE_DENIED, Optional.empty(), Optional.empty(),
                        "only token managers may create service tokens; " + actor.user() + " is not one");
            }
            if (spec.owner().isPresent()) {
                throw new ValidationException("owner", "a service token has no owner; it acts as its own principal");
            }
            if (!SERVICE_NAME.matcher(spec.name()).matches()) {
                throw new ValidationException("name", "a service token name must be 1-64 letters, digits, '.', '_' "
                        + "or '-' (it names the service principal)");
            }
            if (spec.resources().size() != 1) {
                throw new ValidationException("resource", "a service token is bound to exactly one resource, "
                        + spec.resources().size() + " were given");
            }
            owner = SERVICE_PREFIX + spec.name();
            ceiling = p.maxLevelFor(actorUser.groups()).orElseThrow(() -> denied(actor,
                    AuditEventType.TOKEN_CREATE_DENIED, Optional.empty(), Optional.empty(),
                    "no group of " + actor.user() + " may grant any token level"));
        } else {
            owner = spec.owner().orElse(actor.user());
            DirectoryUser ownerUser = actorUser;
            if (!owner.equals(actor.user())) {
                if (!isManager(actorUser)) {
                    throw denied(actor, AuditEventType.TOKEN_CREATE_DENIED, Optional.empty(), Optional.of(owner),
                            "creating tokens on behalf of " + owner + " needs the token manager capability, which "
                                    + actor.user() + " does not have");
                }
                ownerUser = s.directory().findUser(owner).filter(DirectoryUser::active).orElseThrow(() ->
                        new ValidationException("owner", SafeText.quote(owner) + " is not an active user of the directory"));
            } else if (!p.createTokens().admits(actorUser.groups())) {
                throw denied(actor, AuditEventType.TOKEN_CREATE_DENIED, Optional.empty(), Optional.of(owner),
                        actor.user() + " is not in a group that may create tokens");
            }
            if (!p.useTokens().admits(ownerUser.groups())) {
                throw denied(actor, AuditEventType.TOKEN_CREATE_DENIED, Optional.empty(), Optional.of(owner),
                        owner + " is not in a group that may use tokens, so a token for them would never work");
            }
            String who = owner;
            ceiling = p.maxLevelFor(ownerUser.groups()).orElseThrow(() -> denied(actor,
                    AuditEventType.TOKEN_CREATE_DENIED, Optional.empty(), Optional.of(who),
                    "no group of " + who + " may be given any token level"));
        }
        if (!ceiling.includes(spec.level())) {
            throw denied(actor, AuditEventType.TOKEN_CREATE_DENIED, Optional.empty(), Optional.of(owner),
                    "level " + spec.level() + " is above " + ceiling + ", the highest level "
                            + (spec.kind() == TokenKind.SERVICE ? actor.user() : owner) + "'s groups may give a token");
        }
        return owner;
    }
}
