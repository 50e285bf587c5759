package dev.latchkey.core.internal.lifecycle;

import dev.latchkey.core.ConflictException;
import dev.latchkey.core.Credential;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.PermissionDeniedException;
import dev.latchkey.core.Policy;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.core.internal.policy.PolicyHolder;
import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.LimitExceededException;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link dev.latchkey.core.TokenService#rotateSelf}: a token replaces its own secret, and a rotated-away secret
 * presented here again revokes the token's family ({@link RotationFamily}).
 *
 * <p>The token authenticates by itself ({@link PresentedToken}: the authenticator's identity checks against the
 * store's record, no request scope). The rotation itself is the store's atomic {@code rotate} against the version just read: of concurrent
 * calls with one secret exactly one succeeds.
 */
final class SelfRotation {
    private final EngineSettings s;
    private final PolicyHolder policy;
    private final Auditor auditor;
    private final PresentedToken identity;
    private final RotationFamily family;

    SelfRotation(EngineSettings s, PolicyHolder policy, RotationFamily family, Auditor auditor) {
        this.s = s;
        this.policy = policy;
        this.auditor = auditor;
        this.identity = new PresentedToken(s, policy, auditor);
        this.family = family;
    }

    IssuedToken rotate(Credential presented, String clientIp) {
        Objects.requireNonNull(presented, "presented");
        Objects.requireNonNull(clientIp, "clientIp");
        TokenRecord old = identity.authenticate(presented, clientIp, r -> reused(r, clientIp));
        Policy p = policy.state().policy();
        if (!p.selfRotation().contains(old.kind())) {
            throw denied(old, clientIp, "self-rotation is off for " + old.kind().name().toLowerCase(Locale.ROOT)
                    + " tokens (policy selfRotation=" + p.toSettings().get("selfRotation") + ")");
        }
        if (old.kind() == TokenKind.PERSONAL) {
            requireOwnerMayCreate(old, clientIp, p);
        }
        return rotate(old, old.owner(), clientIp, p, now());
    }

    /** A rotated-away secret came back: somebody else holds a copy, so the family goes. */
    private void reused(TokenRecord r, String clientIp) {
        if (family.rotatedAway(r)) {
            family.revokeSuccessors(r, SafeText.forAudit("reuse of the rotated-away secret of token " + r.id()
                    + " on self-rotation from " + clientIp, s.format()));
        }
    }

    /** A rotation issues a new token: the owner must still be able to create this one (as {@code rotate} asks). */
    private void requireOwnerMayCreate(TokenRecord old, String clientIp, Policy p) {
        Optional<DirectoryUser> owner = s.directory().findUser(old.owner()).filter(DirectoryUser::active);
        if (owner.isEmpty() || !p.createTokens().admits(owner.get().groups())) {
            throw denied(old, clientIp, old.owner() + " is not an active user in a group that may create tokens, so "
                    + "the token may not rotate itself");
        }
        Optional<AccessLevel> max = p.maxLevelFor(owner.get().groups());
        if (max.isEmpty() || !max.get().includes(old.scope().level())) {
            throw denied(old, clientIp, "the token's level " + old.scope().level() + " is above what "
                    + old.owner() + " may give a token now");
        }
    }

    private IssuedToken rotate(TokenRecord old, String actor, String clientIp, Policy p, Instant now) {
        RotationFamily.Rotated done;
        try {
            done = family.rotate(old, actor, p, now);
        } catch (ConcurrentUpdateException e) {
            throw new ConflictException("token " + old.id() + " was rotated or changed by another request at the "
                    + "same time; only one rotation of a secret succeeds");
        } catch (LimitExceededException e) {
            throw new ConflictException("the rotated token would break a policy limit (" + e.limit() + ")");
        }
        TokenRecord successor = done.successor().record();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("newTokenId", successor.id());
        details.put("rotatedBy", "the token itself");
        details.put("createdBy", old.createdBy());
        details.put("expiresAt", Modifications.change(old.expiresAt().map(Instant::toString).orElse("never"),
                successor.expiresAt().map(Instant::toString).orElse("never")));
        auditor.audit(new AuditEvent(AuditEventType.TOKEN_ROTATED, now, actor, Optional.of(old.id()),
                Optional.of(old.owner()), Optional.of(clientIp), AuditOutcome.SUCCESS, Optional.empty(), details));
        return done.successor();
    }

    private PermissionDeniedException denied(TokenRecord r, String clientIp, String why) {
        auditor.audit(new AuditEvent(AuditEventType.TOKEN_MANAGE_DENIED, now(), r.owner(), Optional.of(r.id()),
                Optional.of(r.owner()), Optional.of(clientIp), AuditOutcome.FAILURE, Optional.of(why), Map.of()));
        return new PermissionDeniedException(why);
    }

    private Instant now() {
        return s.clock().instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
