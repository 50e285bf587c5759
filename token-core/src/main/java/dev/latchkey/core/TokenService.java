package dev.latchkey.core;

import dev.latchkey.spi.Page;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import java.time.Instant;

/**
 * The token lifecycle: create, read, change, rotate and revoke tokens, for yourself or (token managers) for
 * others. Every operation is authorised by the permission model and the policy, and audited; a refused
 * attempt is audited too. Obtained from {@link Latchkey#tokens()}; thread-safe.
 *
 * <p>Errors: {@link ValidationException} (bad input or beyond the policy), {@link PermissionDeniedException}
 * (not allowed), {@link TokenNotFoundException} (no such token, or not yours), {@link ConflictException}
 * (state conflict), {@link dev.latchkey.spi.StoreUnavailableException} (storage down).
 *
 * @since 0.1
 */
public interface TokenService {

    /**
     * Creates a token for the actor, or on behalf of {@code spec.owner()} (token managers), or a service token.
     * {@code maxTokensPerUser} and unique service names are checked by the store atomically with the insert
     * ({@link ConflictException} when broken, however many requests race).
     */
    IssuedToken create(Actor actor, NewToken spec);

    /** A token the actor owns, or any token for a token manager. */
    TokenRecord get(Actor actor, String id);

    /** The actor's own tokens, newest first. */
    Page<TokenRecord> listOwn(Actor actor, int page, int size);

    /**
     * Changes name, level, resources or CIDRs, never beyond what the actor may grant the owner. An update never
     * yields a token the actor could not create now: a non-manager owner may only narrow restrictions a token
     * manager set (CIDRs within the old ones, resources a subset, level not higher), and only narrow their own once
     * they may no longer create tokens ({@link PermissionDeniedException} naming the field). Audited with each
     * changed field as {@code old -> new}.
     */
    TokenRecord update(Actor actor, String id, TokenChanges changes);

    /**
     * Replaces the secret: a new token with the same name, scope, CIDRs, lifetime length and creator is created and
     * the old one is revoked, in one atomic step of the store. Refused ({@link PermissionDeniedException}) when the
     * actor could not create such a token now (not in the create group, owner no longer allowed to use tokens, level
     * above the owner's ceiling); {@link ConflictException} when the token is no longer active, somebody else
     * rotated or revoked it first (of N concurrent rotations exactly one succeeds), or the owner is over
     * {@code maxTokensPerUser}.
     */
    IssuedToken rotate(Actor actor, String id);

    /** Revokes a token; revoking a revoked token changes nothing. Effective on this node when it returns. */
    TokenRecord revoke(Actor actor, String id, String reason);

    /** Revokes every active token of {@code owner} (the owner themself, or a token manager). */
    int revokeAllOf(Actor actor, String owner, String reason);

    /** Token manager: query all tokens. */
    Page<TokenRecord> query(Actor actor, TokenQuery query);

    /** Token manager: revokes every active token matching the filters of {@code filter} (paging ignored). */
    int revokeMatching(Actor actor, TokenQuery filter, String reason);

    /** Token manager: removes records revoked or expired before {@code before}. */
    int purge(Actor actor, Instant before);

    /** What the actor may do with tokens now. */
    Capabilities capabilities(Actor actor);

    // ------------------------------------------------------------------ tokens found by value (issue 14)

    /**
     * Token manager: the record of the token whose text is {@code token} (looked up by digest; never the secret),
     * or empty when it is not a token of this host or not known. Audited ({@code TOKEN_IDENTIFIED}).
     *
     * @throws PermissionDeniedException if the actor is not a token manager
     */
    java.util.Optional<TokenRecord> identify(Actor actor, String token);

    /**
     * Token manager: revokes the token whose text is {@code token} with reason {@code leaked}; {@code foundAt}
     * (a URL, a file and line) goes to the audit and the owner's notice. Revoking a revoked token changes nothing.
     *
     * @throws PermissionDeniedException if the actor is not a token manager
     * @throws TokenNotFoundException    if no such token is known
     * @throws ValidationException       if {@code foundAt} is empty or longer than 500 characters
     */
    TokenRecord revokeFound(Actor actor, String token, String foundAt);

    /**
     * A trusted reporter (a secret scanner whose report the adapter authenticated, a push hook) found
     * {@code token} at {@code foundAt}: an active token of this host is revoked at once with reason
     * {@code leaked} by {@code system}, audited with the reporter and the place. Idempotent.
     *
     * @throws ValidationException if {@code foundAt} is empty or longer than 500 characters
     */
    LeakOutcome reportLeaked(String reporter, String token, String foundAt);

    /**
     * A token rotates itself (e.g. a CI system's service token on a schedule): the request is authenticated by
     * {@code presented} alone (its state, owner, addresses; no request scope), and, where the policy's
     * {@link Policy#selfRotation()} admits the token's kind, a successor with the same name, scope, CIDRs, lifetime
     * length and creator replaces it in one atomic step of the store. The old secret stops at once. Of concurrent
     * calls with one secret exactly one succeeds: a call that lost the race gets {@link ConflictException}; one that
     * arrives after the winner committed presents a rotated-away secret and is treated as reuse (below).
     *
     * <p>Reuse detection: presenting a secret that was rotated away (by this call or by {@link #rotate}) means
     * somebody else holds a copy, so the token's whole family (every successor still active) is revoked with reason
     * {@code leaked}, audited with the place, and the owner is told; the call is then refused like any revoked
     * token. Only this call does it: a rotated-away secret presented on any other request is merely refused, and an
     * unknown token changes nothing.
     *
     * @param presented the token as the client presented it
     * @param clientIp  the client address, for the address rules, the rate limit and the audit
     * @return the new token (the secret shown once)
     * @throws TokenRefusedException     if the token does not authenticate (unknown, revoked, expired, address,
     *                                   rate limit, store down)
     * @throws PermissionDeniedException if the policy does not let this kind of token rotate itself, or the owner
     *                                   could not create such a token now
     * @throws ConflictException         if a concurrent call rotated or changed the token first
     */
    IssuedToken rotateSelf(Credential presented, String clientIp);
}
