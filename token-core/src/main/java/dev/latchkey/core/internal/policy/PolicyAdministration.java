package dev.latchkey.core.internal.policy;

import dev.latchkey.core.Actor;
import dev.latchkey.core.ConflictException;
import dev.latchkey.core.PermissionDeniedException;
import dev.latchkey.core.Policy;
import dev.latchkey.core.PolicyService;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.StoredPolicy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link PolicyService}: policy administrators change the shared policy; every change is audited.
 *
 * @since 0.1
 */
public final class PolicyAdministration implements PolicyService {
    private final EngineSettings s;
    private final PolicyHolder policy;
    private final Auditor auditor;

    public PolicyAdministration(EngineSettings s, PolicyHolder policy, Auditor auditor) {
        this.s = s;
        this.policy = policy;
        this.auditor = auditor;
    }

    @Override
    public Policy current() {
        return policy.state().policy();
    }

    @Override
    public boolean allowsClientIp(String clientIp) {
        return policy.state().allowsClientIp(clientIp);
    }

    @Override
    public Policy update(Actor actor, Map<String, String> settings) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(settings, "settings");
        Policy current = current();
        Optional<DirectoryUser> user = s.directory().findUser(actor.user());
        String refusal = null;
        if (actor.authenticatedByToken() && !current.tokensMayManageTokens()) {
            refusal = PermissionDeniedException.TOKENS_MAY_NOT_MANAGE_TOKENS;
        } else if (user.isEmpty() || !user.get().active() || !current.administerPolicy().admits(user.get().groups())) {
            refusal = actor.user() + " may not administer the token policy";
        }
        if (refusal != null) {
            auditor.audit(new AuditEvent(AuditEventType.POLICY_CHANGE_DENIED, s.clock().instant(), actor.user(),
                    Optional.empty(), Optional.empty(), actor.clientIp(), AuditOutcome.FAILURE, Optional.of(refusal),
                    Map.of()));
            throw new PermissionDeniedException(refusal);
        }
        for (int attempt = 0; ; attempt++) {
            PolicyHolder.PolicyState state = policy.state();
            Policy next = state.policy().with(settings); // validates; throws naming the bad setting
            try {
                StoredPolicy saved = policy.save(next.toSettings(), state.version());
                policy.changedLocally(PolicyHolder.compile(next, saved.version()));
                Map<String, String> details = new LinkedHashMap<>();
                settings.forEach((k, v) -> details.put(k, auditor.safeText(v)));
                auditor.audit(new AuditEvent(AuditEventType.POLICY_CHANGED, Instant.now(s.clock()), actor.user(),
                        Optional.empty(), Optional.empty(), actor.clientIp(), AuditOutcome.SUCCESS, Optional.empty(),
                        details));
                return next;
            } catch (ConcurrentUpdateException e) {
                if (attempt >= 5) {
                    throw new ConflictException("the policy kept changing while it was being saved; try again");
                }
                policy.reload();
            }
        }
    }
}
