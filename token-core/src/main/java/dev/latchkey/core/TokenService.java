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
     *
     * @param actor who asks, as the adapter authenticated them
     * @param spec what to create: kind, name, owner, level, resources, CIDRs, lifetime
     * @return the stored record and the secret, which is shown this once and never stored
     * @throws ValidationException       if {@code spec} is invalid or beyond the policy
     * @throws PermissionDeniedException if the actor may not create this token
     * @throws ConflictException         if the owner is at {@code maxTokensPerUser} or a service token of that name
     *                                   exists
     */
    IssuedToken create(Actor actor, NewToken spec);

    /**
     * A token the actor owns, or any token for a token manager.
     *
     * @param actor who asks
     * @param id    the token's id
     * @return the token's record (never its secret)
     * @throws TokenNotFoundException if there is no such token, or the actor may not see it
     */
    TokenRecord get(Actor actor, String id);

    /**
     * The actor's own tokens, newest first.
     *
     * @param actor who asks
     * @param page  the zero-based page number
     * @param size  the most records on a page
     * @return one page of the actor's personal tokens, newest first
     * @throws IllegalArgumentException if {@code page} is negative or {@code size} less than 1
     */
    Page<TokenRecord> listOwn(Actor actor, int page, int size);

    /**
     * Changes name, level, resources or CIDRs, never beyond what the actor may grant the owner. An update never
     * yields a token the actor could not create now: a non-manager owner may only narrow restrictions a token
     * manager set (CIDRs within the old ones, resources a subset, level not higher), and only narrow their own once
     * they may no longer create tokens ({@link PermissionDeniedException} naming the field). Audited with each
     * changed field as {@code old -> new}.
     *
     * @param actor   who asks
     * @param id      the token's id
     * @param changes the fields to change; fields it leaves empty are kept
     * @return the token's record after the change
     * @throws TokenNotFoundException    if there is no such token, or the actor may not see it
     * @throws ValidationException       if a new value is invalid or beyond the policy
     * @throws ConflictException         if the token is no longer active or changed concurrently
     */
    TokenRecord update(Actor actor, String id, TokenChanges changes);

    /**
     * Replaces the secret: a new token with the same name, scope, CIDRs, lifetime length and creator is created and
     * the old one is revoked, in one atomic step of the store. Refused ({@link PermissionDeniedException}) when the
     * actor could not create such a token now (not in the create group, owner no longer allowed to use tokens, level
     * above the owner's ceiling); {@link ConflictException} when the token is no longer active, somebody else
     * rotated or revoked it first (of N concurrent rotations exactly one succeeds), or the owner is over
     * {@code maxTokensPerUser}.
     *
     * @param actor who asks
     * @param id    the token to rotate
     * @return the successor's record and its secret, shown this once
     * @throws TokenNotFoundException if there is no such token, or the actor may not see it
     */
    IssuedToken rotate(Actor actor, String id);

    /**
     * Revokes a token; revoking a revoked token changes nothing. Effective on this node when it returns.
     *
     * @param actor  who asks: the owner, or a token manager
     * @param id     the token to revoke
     * @param reason why, at most 500 characters, stored and audited with token-shaped text masked; may be null or empty
     * @return the token's record, revoked
     * @throws TokenNotFoundException    if there is no such token, or the actor may not see it
     * @throws PermissionDeniedException if the actor may not manage tokens at all (not an active user, or
     *                                   authenticated by a token where the policy forbids that)
     * @throws ValidationException       if {@code reason} is longer than 500 characters
     */
    TokenRecord revoke(Actor actor, String id, String reason);

    /**
     * Revokes every active token of {@code owner} (the owner themself, or a token manager).
     *
     * @param actor  who asks
     * @param owner  the user whose tokens are revoked
     * @param reason why, as for {@link #revoke}
     * @return how many tokens were revoked by this call
     * @throws PermissionDeniedException if the actor is neither {@code owner} nor a token manager
     * @throws ValidationException       if {@code reason} is longer than 500 characters
     */
    int revokeAllOf(Actor actor, String owner, String reason);

    /**
     * Token manager: query all tokens.
     *
     * @param actor who asks
     * @param query the filters, sort and page
     * @return the matching page of all tokens, of every owner
     * @throws PermissionDeniedException if the actor is not a token manager
     */
    Page<TokenRecord> query(Actor actor, TokenQuery query);

    /**
     * Token manager: revokes every active token matching the filters of {@code filter} (paging ignored).
     *
     * @param actor  who asks
     * @param filter which tokens; only its filters count
     * @param reason why, as for {@link #revoke}
     * @return how many tokens were revoked by this call
     * @throws PermissionDeniedException if the actor is not a token manager
     * @throws ValidationException       if {@code reason} is longer than 500 characters
     */
    int revokeMatching(Actor actor, TokenQuery filter, String reason);

    /**
     * Token manager: removes records revoked or expired before {@code before}.
     *
     * @param actor  who asks
     * @param before records revoked or expired before this instant are removed
     * @return how many records were removed
     * @throws PermissionDeniedException if the actor is not a token manager
     * @throws ValidationException       if {@code before} is in the future
     */
    int purge(Actor actor, Instant before);

    /**
     * What the actor may do with tokens now.
     *
     * @param actor who asks
     * @return what the actor may create, grant and manage under the current policy
     */
    Capabilities capabilities(Actor actor);

    // ------------------------------------------------------------------ tokens found by value (issue 14)

    /**
     * Token manager: the record of the token whose text is {@code token} (looked up by digest; never the secret),
     * or empty when it is not a token of this host or not known. Audited ({@code TOKEN_IDENTIFIED}).
     *
     * @param actor who asks
     * @param token the full token text, as found
     * @return the token's record, or empty when the text is no token of this host or the token is not known
     * @throws PermissionDeniedException if the actor is not a token manager
     */
    java.util.Optional<TokenRecord> identify(Actor actor, String token);

    /**
     * Token manager: revokes the token whose text is {@code token} with reason {@code leaked}; {@code foundAt}
     * (a URL, a file and line) goes to the audit and the owner's notice. Revoking a revoked token changes nothing.
     *
     * @param actor   who asks
     * @param token   the full token text, as found
     * @param foundAt where it was found: a URL, or a file and line
     * @return the token's record, revoked
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
     * @param reporter who reported it (the scanner or hook), for the audit
     * @param token    the full token text, as found
     * @param foundAt  where it was found: a URL, or a file and line
     * @return what became of the token
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
