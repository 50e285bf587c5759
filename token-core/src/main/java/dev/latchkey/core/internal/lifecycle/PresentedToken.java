package dev.latchkey.core.internal.lifecycle;

import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.Policy;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.TokenRefusedException;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.core.internal.format.Digester;
import dev.latchkey.core.internal.policy.PolicyHolder;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenState;
import java.time.Duration;
import java.util.Optional;

/**
 * Who a presented token is, for an operation the token performs on itself ({@link SelfRotation}): the
 * authenticator's identity checks (failed-attempt limit, format, digest, state, Basic user name, owner, addresses)
 * against the store's current record rather than the cache, and without a request scope, since such an operation
 * touches no resource of the host. A refusal is counted and audited as the authenticator does it.
 */
final class PresentedToken {
    /** What the refusal audit shows as the request. */
    static final String PATH = "(self-rotation)";

    private final EngineSettings s;
    private final PolicyHolder policy;
    private final Auditor auditor;

    PresentedToken(EngineSettings s, PolicyHolder policy, Auditor auditor) {
        this.s = s;
        this.policy = policy;
        this.auditor = auditor;
    }

    /** The stored record of {@code token}'s text, by digest; empty when it is not one of this host's tokens. */
    Optional<TokenRecord> stored(String token) {
        if (s.format().parse(token).isEmpty()) {
            return Optional.empty();
        }
        String digest = s.digester().digest(token);
        return s.store().findByDigest(digest).filter(r -> Digester.same(r.digest(), digest));
    }

    /**
     * The active record {@code presented} stands for.
     *
     * @param onRevoked called with a revoked record before the refusal is thrown (reuse detection)
     * @throws TokenRefusedException when it does not authenticate
     */
    TokenRecord authenticate(Credential presented, String clientIp, java.util.function.Consumer<TokenRecord> onRevoked) {
        RequestFacts facts = new RequestFacts("POST", PATH, "", clientIp);
        if (auditor.limiting()) {
            long wait = auditor.limitWaitMillis(clientIp);
            if (wait > 0) {
                Duration after = Auditor.retryAfter(wait);
                auditor.rateLimited(facts, after);
                throw new TokenRefusedException(new Decision.Refused(RefusalReason.RATE_LIMITED, Optional.empty(),
                        Optional.of(after)));
            }
        }
        Optional<TokenKind> kind = s.format().parse(presented.token());
        if (kind.isEmpty()) {
            throw refuse(RefusalReason.MALFORMED, null, presented, facts);
        }
        TokenRecord r = stored(presented.token()).filter(x -> x.kind() == kind.get()).orElse(null);
        if (r == null) {
            throw refuse(RefusalReason.UNKNOWN, null, presented, facts);
        }
        TokenState state = r.state(s.clock().instant());
        if (state == TokenState.REVOKED) {
            onRevoked.accept(r);
            throw refuse(RefusalReason.REVOKED, r, presented, facts);
        }
        if (state == TokenState.EXPIRED) {
            throw refuse(RefusalReason.EXPIRED, r, presented, facts);
        }
        Optional<String> basicUser = presented.basicUsername();
        if (basicUser.isPresent()) {
            String expected = r.kind() == TokenKind.SERVICE ? EngineSettings.SERVICE_BASIC_USERNAME : r.owner();
            if ((r.kind() == TokenKind.SERVICE || s.basicUsernameMustMatch()) && !basicUser.get().equals(expected)) {
                throw refuse(RefusalReason.USERNAME_MISMATCH, r, presented, facts);
            }
        }
        PolicyHolder.PolicyState ps = policy.state();
        Policy p = ps.policy();
        if (r.kind() == TokenKind.PERSONAL) {
            Optional<DirectoryUser> owner = s.directory().findUser(r.owner());
            if (owner.isEmpty() || !owner.get().active()) {
                throw refuse(RefusalReason.OWNER_INACTIVE, r, presented, facts);
            }
            if (!p.useTokens().admits(owner.get().groups()) || p.maxLevelFor(owner.get().groups()).isEmpty()) {
                throw refuse(RefusalReason.NOT_PERMITTED, r, presented, facts);
            }
        }
        CidrSet own = CidrSet.compile("allowedCidrs", r.allowedCidrs());
        if (!ps.globalCidrs().isEmpty() || !own.isEmpty()) {
            if (!facts.clientIpKnown() || !CidrSet.admits(ps.globalCidrs(), own, clientIp)) {
                throw refuse(RefusalReason.IP_NOT_ALLOWED, r, presented, facts);
            }
        }
        return r;
    }

    private TokenRefusedException refuse(RefusalReason reason, TokenRecord r, Credential c, RequestFacts facts) {
        auditor.refused(reason, r, c, facts);
        return new TokenRefusedException(new Decision.Refused(reason, Optional.ofNullable(r).map(TokenRecord::id)));
    }
}
