package dev.latchkey.core.internal.authn;

import dev.latchkey.core.AttemptLimiter;
import dev.latchkey.core.PasswordDecision;
import dev.latchkey.core.PasswordGate;
import dev.latchkey.core.PasswordRefusal;
import dev.latchkey.core.PasswordRules;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.core.internal.policy.PolicyHolder;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.AuditSink;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.UserDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PasswordGate}: {@link PasswordRules} applied with the engine's parts: exempt groups read through the
 * {@link TokenCache}'s directory cache (unless the rules name a directory of their own), the failed-attempt limit
 * and the refusal queue of the {@link Auditor}, the global allowlist of the {@link PolicyHolder} in force.
 *
 * @since 0.1
 */
public final class PasswordGatekeeper implements PasswordGate {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordGate.class);
    private static final PasswordDecision TO_HOST = new PasswordDecision.ToHost();
    private static final PasswordDecision DISABLED = new PasswordDecision.Refused(PasswordRefusal.PASSWORD_AUTH_DISABLED);
    private static final PasswordDecision NOT_ALLOWED = new PasswordDecision.Refused(PasswordRefusal.IP_NOT_ALLOWED);

    private final PasswordRules rules;
    private final TokenCache cache;
    private final PolicyHolder policy;
    private final Auditor auditor;
    private final AttemptLimiter limiter;
    private final AuditSink audit;
    private final Clock clock;

    public PasswordGatekeeper(PasswordRules rules, EngineSettings s, TokenCache cache, PolicyHolder policy,
                              Auditor auditor) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.cache = cache;
        this.policy = policy;
        this.auditor = auditor;
        this.limiter = auditor.attemptLimiter();
        this.audit = rules.auditSink().orElse(auditor::auditRefusal);
        this.clock = rules.clock().orElse(s.clock());
    }

    @Override
    public PasswordDecision decide(String username, RequestFacts request) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(request, "request");
        String path = request.path();
        boolean tokenRequired = rules.requiresToken(path);
        boolean disabled = tokenRequired || rules.disablesPasswordsAt(path);
        boolean allowlisted = rules.appliesAllowlistAt(path);
        if (!disabled && !allowlisted) {
            return TO_HOST;
        }
        String ip = request.clientIp();
        // the failed-attempt limit covers refused passwords too; a limited address is answered before the directory
        // is asked anything
        Optional<Duration> wait = limiter.admit(ip);
        if (wait.isPresent()) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("refused password authentication on {} {} from {}: RATE_LIMITED",
                        auditor.safeText(request.method()), auditor.safeText(path), auditor.safeText(ip));
            }
            return new PasswordDecision.RateLimited(wait.get());
        }
        // break-glass exemptions open disabled password paths, never those that need a token
        if (disabled && (tokenRequired || !exempt(username))) {
            limiter.failed(ip);
            refuse(username, request, PasswordRefusal.PASSWORD_AUTH_DISABLED);
            return DISABLED;
        }
        if (allowlisted && !policy.state().allowsClientIp(ip)) {
            refuse(username, request, PasswordRefusal.IP_NOT_ALLOWED);
            return NOT_ALLOWED;
        }
        return TO_HOST;
    }

    @Override
    public PasswordRules rules() {
        return rules;
    }

    private boolean exempt(String username) {
        if (rules.exemptUsers().contains(username)) {
            return true;
        }
        if (rules.exemptGroups().isEmpty() || username.isEmpty()) {
            return false;
        }
        try {
            Optional<UserDirectory> own = rules.userDirectory();
            Optional<DirectoryUser> u = own.isPresent() ? own.get().findUser(username) : cache.user(username);
            if (u.isPresent() && u.get().active()) {
                for (String g : u.get().groups()) {
                    if (rules.exemptGroups().contains(g)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (RuntimeException e) {
            LOG.warn("the user directory failed while checking a password exemption; not exempt: {}", e.toString());
            return false;
        }
    }

    private void refuse(String username, RequestFacts request, PasswordRefusal reason) {
        String user = auditor.safeText(username);
        String method = auditor.safeText(request.method());
        String path = auditor.safeText(request.path());
        String ip = auditor.safeText(request.clientIp());
        if (LOG.isDebugEnabled()) {
            LOG.debug("refused password authentication of '{}' on {} {} from {}: {}", user, method, path, ip, reason);
        }
        // the user name of a refused password is only a claim (the password was never checked): it goes into the
        // details, never into the actor an auditor filters on, as for refused tokens
        Map<String, String> details = new HashMap<>(4);
        details.put("method", method);
        details.put("path", path);
        if (!user.isEmpty()) {
            details.put("claimedUser", user);
        }
        try {
            audit.record(new AuditEvent(AuditEventType.PASSWORD_AUTH_REFUSED, clock.instant(), "anonymous",
                    Optional.empty(), Optional.empty(), Optional.of(ip), AuditOutcome.FAILURE,
                    Optional.of(reason.name()), details));
        } catch (RuntimeException e) {
            LOG.debug("the audit sink failed to record a refused password request: {}", e.toString());
        }
    }
}
