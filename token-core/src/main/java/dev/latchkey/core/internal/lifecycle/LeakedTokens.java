package dev.latchkey.core.internal.lifecycle;

import dev.latchkey.core.Actor;
import dev.latchkey.core.ConflictException;
import dev.latchkey.core.LeakOutcome;
import dev.latchkey.core.PermissionDeniedException;
import dev.latchkey.core.Policy;
import dev.latchkey.core.TokenNotFoundException;
import dev.latchkey.core.ValidationException;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.core.internal.authn.TokenCache;
import dev.latchkey.core.internal.format.Digester;
import dev.latchkey.core.internal.policy.PolicyHolder;
import dev.latchkey.core.internal.text.SafeText;

import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.Revocation;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenState;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Tokens known by value rather than by id: identify and revoke a found token (token managers), and revoke a
 * token a trusted secret scanner reported. Lookups go by digest; the value is never logged, stored or audited.
 */
public final class LeakedTokens {
    /** The revocation reason of every leaked token; where it was found goes to the audit and the notice. */
    public static final String REASON = "leaked";
    private static final int MAX_WHERE = 500;

    private final EngineSettings s;
    private final PolicyHolder policy;
    private final TokenCache cache;
    private final Auditor auditor;

    LeakedTokens(EngineSettings s, PolicyHolder policy, TokenCache cache, Auditor auditor) {
        this.s = s;
        this.policy = policy;
        this.cache = cache;
        this.auditor = auditor;
    }

    private Instant now() {
        return s.clock().instant().truncatedTo(ChronoUnit.MILLIS);
    }

    Optional<TokenRecord> identify(Actor actor, String token) {
        Objects.requireNonNull(token, "token");
        requireManager(actor, "identifying a token by value");
        Optional<TokenRecord> r = find(token);
        Map<String, String> d = new LinkedHashMap<>();
        d.put("found", Boolean.toString(r.isPresent()));
        audit(AuditEventType.TOKEN_IDENTIFIED, actor.user(), actor.clientIp(), r, AuditOutcome.SUCCESS,
                Optional.empty(), d);
        return r;
    }

    TokenRecord revokeFound(Actor actor, String token, String foundAt) {
        Objects.requireNonNull(token, "token");
        String where = checkWhere(foundAt);
        requireManager(actor, "revoking a found token");
        TokenRecord r = find(token).orElseThrow(() -> new TokenNotFoundException("(the token that was given)"));
        return revoke(actor.user(), actor.clientIp(), r, where, Map.of()).record();
    }

    LeakOutcome reportLeaked(String reporter, String token, String foundAt) {
        Objects.requireNonNull(reporter, "reporter");
        Objects.requireNonNull(token, "token");
        String where = checkWhere(foundAt);
        if (s.format().parse(token).isEmpty()) {
            return LeakOutcome.NOT_A_TOKEN;
        }
        Optional<TokenRecord> r = find(token);
        if (r.isEmpty()) {
            // a scanner reporting well-formed tokens we do not know is worth seeing in the audit (never the value)
            audit(AuditEventType.LEAK_REPORTED, "system", Optional.empty(), Optional.empty(), AuditOutcome.SUCCESS,
                    Optional.empty(), Map.of("reporter", reporter, "foundAt", where, "known", "false"));
            return LeakOutcome.UNKNOWN;
        }
        Revoked rev = revoke("system", Optional.empty(), r.get(), where, Map.of("reporter", reporter));
        return rev.changed() ? LeakOutcome.REVOKED : LeakOutcome.ALREADY_INACTIVE;
    }

    private record Revoked(TokenRecord record, boolean changed) {
    }

    private Revoked revoke(String by, Optional<String> clientIp, TokenRecord first, String where,
                           Map<String, String> extra) {
        TokenRecord current = first;
        for (int attempt = 0; ; attempt++) {
            if (current.state(now()) != TokenState.ACTIVE) {
                return new Revoked(current, false); // revoked or expired already: a repeated report changes nothing
            }
            TokenRecord next = current.withRevocation(new Revocation(now(), by, REASON));
            try {
                TokenRecord stored = s.store().update(next, current.version());
                cache.changedLocally(stored);
                Map<String, String> d = new LinkedHashMap<>(extra);
                d.put("reason", REASON);
                d.put("foundAt", where);
                d.put("createdBy", stored.createdBy());
                audit(AuditEventType.TOKEN_REVOKED, by, clientIp, Optional.of(stored), AuditOutcome.SUCCESS,
                        Optional.empty(), d);
                return new Revoked(stored, true);
            } catch (ConcurrentUpdateException e) {
                if (attempt >= 10) {
                    throw new ConflictException("token " + current.id() + " kept changing while it was being revoked; "
                            + "try again");
                }
                current = s.store().findById(current.id()).orElse(current);
            }
        }
    }

    private Optional<TokenRecord> find(String token) {
        if (s.format().parse(token).isEmpty()) {
            return Optional.empty(); // not ours, or mistyped: no storage access
        }
        String digest = s.digester().digest(token);
        return s.store().findByDigest(digest).filter(r -> Digester.same(r.digest(), digest));
    }

    private String checkWhere(String foundAt) {
        String w = foundAt == null ? "" : foundAt.strip();
        if (w.isEmpty()) {
            throw new ValidationException("foundAt", "is empty; say where the token was found (a URL, file and line)");
        }
        if (w.length() > MAX_WHERE) {
            throw new ValidationException("foundAt", "is " + w.length() + " characters; at most " + MAX_WHERE);
        }
        // the place may quote the token itself: masked, controls escaped
        return SafeText.forAudit(w, s.format());
    }

    private void requireManager(Actor actor, String what) {
        Objects.requireNonNull(actor, "actor");
        Policy p = policy.state().policy();
        String why = null;
        if (actor.authenticatedByToken() && !p.tokensMayManageTokens()) {
            why = PermissionDeniedException.TOKENS_MAY_NOT_MANAGE_TOKENS;
        } else {
            Optional<DirectoryUser> u = s.directory().findUser(actor.user());
            if (u.isEmpty() || !u.get().active()) {
                why = "user " + actor.user() + " is not an active user of the directory";
            } else if (!p.manageTokens().admits(u.get().groups())) {
                why = what + " needs the token manager capability";
            }
        }
        if (why != null) {
            audit(AuditEventType.TOKEN_MANAGE_DENIED, actor.user(), actor.clientIp(), Optional.empty(),
                    AuditOutcome.FAILURE, Optional.of(why), Map.of());
            throw new PermissionDeniedException(why);
        }
    }

    private void audit(AuditEventType type, String actor, Optional<String> clientIp, Optional<TokenRecord> r,
                       AuditOutcome outcome, Optional<String> reason, Map<String, String> details) {
        auditor.audit(new AuditEvent(type, now(), actor, r.map(TokenRecord::id), r.map(TokenRecord::owner), clientIp,
                outcome, reason, details));
    }
}
