package dev.latchkey.core.internal.lifecycle;

import dev.latchkey.core.Actor;
import dev.latchkey.core.Capabilities;
import dev.latchkey.core.ConflictException;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.PermissionDeniedException;
import dev.latchkey.core.Policy;
import dev.latchkey.core.TokenChanges;
import dev.latchkey.core.TokenFormat;
import dev.latchkey.core.TokenNotFoundException;
import dev.latchkey.core.TokenSecret;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.ValidationException;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.audit.Auditor;
import dev.latchkey.core.internal.authn.TokenCache;
import dev.latchkey.core.internal.policy.PolicyHolder;
import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.core.internal.CidrNarrowing;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.DuplicateTokenException;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LimitExceededException;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.Revocation;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenSort;
import dev.latchkey.spi.TokenState;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The token lifecycle ({@link TokenService}), authorised by the permission model and audited.
 *
 * @since 0.1
 */
public final class TokenLifecycle implements TokenService {
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String SERVICE_PREFIX = "service:";
    private static final int MAX_NAME = 255;
    private static final int MAX_REASON = 500;
    private static final char[] ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private final EngineSettings s;
    private final PolicyHolder policy;
    private final TokenCache cache;
    private final Auditor auditor;
    private final SecureRandom random = new SecureRandom();

    private final LeakedTokens leaked;
    private final SelfRotation self;

    public TokenLifecycle(EngineSettings s, PolicyHolder policy, TokenCache cache, Auditor auditor) {
        this.s = s;
        this.policy = policy;
        this.cache = cache;
        this.auditor = auditor;
        this.leaked = new LeakedTokens(s, policy, cache, auditor);
        this.self = new SelfRotation(s, policy, cache, auditor);
    }

    private EngineSettings s() {
        return s;
    }

    private Policy policy() {
        return policy.state().policy();
    }

    private Instant now() {
        // stores keep millisecond precision; so does everything the engine writes
        return s().clock().instant().truncatedTo(ChronoUnit.MILLIS);
    }

    // ------------------------------------------------------------------ permission model

    /** The actor's directory entry, or a refusal when the actor may not manage tokens at all. */
    private DirectoryUser requireActor(Actor actor, AuditEventType deniedType) {
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

    private boolean isManager(DirectoryUser u) {
        return policy().manageTokens().admits(u.groups());
    }

    @Override
    public Capabilities capabilities(Actor actor) {
        Objects.requireNonNull(actor, "actor");
        Optional<DirectoryUser> u = s().directory().findUser(actor.user());
        if (u.isEmpty() || !u.get().active()) {
            return Capabilities.none();
        }
        Policy p = policy();
        Set<String> g = u.get().groups();
        return new Capabilities(p.useTokens().admits(g), p.createTokens().admits(g), p.maxLevelFor(g),
                p.manageTokens().admits(g), p.administerPolicy().admits(g));
    }

    private PermissionDeniedException denied(Actor actor, AuditEventType type, Optional<String> tokenId,
                                             Optional<String> owner, String message) {
        auditor.audit(new AuditEvent(type, now(), actor.user(), tokenId, owner, actor.clientIp(),
                AuditOutcome.FAILURE, Optional.of(message), Map.of()));
        return new PermissionDeniedException(message);
    }

    // ------------------------------------------------------------------ create

    @Override
    public IssuedToken create(Actor actor, NewToken spec) {
        Objects.requireNonNull(spec, "spec");
        DirectoryUser actorUser = requireActor(actor, AuditEventType.TOKEN_CREATE_DENIED);
        Policy p = policy();
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
                ownerUser = s().directory().findUser(owner).filter(DirectoryUser::active).orElseThrow(() ->
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
        checkName(spec.name());
        Scope scope = scope(spec.level(), spec.domainLevels(), spec.resources());
        List<String> cidrs = CidrSet.canonicalize("allowedCidrs", spec.allowedCidrs());
        Instant now = now();
        Optional<Instant> expiresAt = expiry(p, now, spec.expiresAt(), spec.lifetime());
        IssuedToken issued = insertNew(spec.kind(), spec.name(), owner, actor.user(), scope, cidrs, now, expiresAt,
                limits(p, spec.kind(), now));
        TokenRecord r = issued.record();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("createdBy", actor.user());
        details.put("kind", r.kind().name());
        details.put("name", SafeText.printable(r.name()));
        details.put("level", r.scope().level().name());
        details.put("resources", String.join(",", r.scope().resources()));
        details.put("allowedCidrs", String.join(",", r.allowedCidrs()));
        details.put("expiresAt", r.expiresAt().map(Instant::toString).orElse("never"));
        auditOk(AuditEventType.TOKEN_CREATED, actor, r, details);
        return issued;
    }

    /** The policy's limits, which the store checks atomically with the insert (a check here could be raced). */
    private static InsertConditions limits(Policy p, TokenKind kind, Instant now) {
        InsertConditions c = InsertConditions.asOf(now);
        if (p.maxTokensPerUser().isPresent()) {
            c = c.withMaxActivePerOwner(p.maxTokensPerUser().getAsInt());
        }
        return kind == TokenKind.SERVICE ? c.withUniqueActiveServiceName() : c;
    }

    private IssuedToken insertNew(TokenKind kind, String name, String owner, String createdBy, Scope scope,
                                  List<String> cidrs, Instant now, Optional<Instant> expiresAt,
                                  InsertConditions limits) {
        for (int attempt = 0; ; attempt++) {
            TokenSecret secret = s().format().generate(kind);
            TokenRecord r = newRecord(secret, kind, name, owner, createdBy, scope, cidrs, now, expiresAt);
            try {
                s().store().insert(r, limits);
                cache.changedLocally(r);
                return new IssuedToken(r, secret);
            } catch (DuplicateTokenException e) {
                if (attempt >= 3) {
                    throw e; // 178 random bits colliding four times means something else is wrong
                }
            } catch (LimitExceededException e) {
                throw limitConflict(e, owner, name, limits);
            }
        }
    }

    private TokenRecord newRecord(TokenSecret secret, TokenKind kind, String name, String owner, String createdBy,
                                  Scope scope, List<String> cidrs, Instant now, Optional<Instant> expiresAt) {
        String digest = s().digester().digest(secret.reveal());
        return new TokenRecord(newId(), kind, name, owner, createdBy, scope, cidrs, digest,
                s().digester().algorithmId(), TokenFormat.hint(secret.reveal()), now, expiresAt,
                Optional.empty(), Optional.empty(), 0);
    }

    private static ConflictException limitConflict(LimitExceededException e, String owner, String name,
                                                   InsertConditions limits) {
        return switch (e.limit()) {
            case ACTIVE_TOKENS_PER_OWNER -> new ConflictException(owner + " already has "
                    + limits.maxActivePerOwner().orElse(0)
                    + " active tokens, the most the policy allows (maxTokensPerUser); revoke one first");
            case ACTIVE_SERVICE_NAME -> new ConflictException("an active service token named " + SafeText.quote(name)
                    + " exists; service principal names must be unique");
        };
    }

    private String newId() {
        char[] id = new char[16];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
        }
        return new String(id);
    }

    private void checkName(String name) {
        if (name.isBlank()) {
            throw new ValidationException("name", "must not be blank");
        }
        if (name.length() > MAX_NAME) {
            throw new ValidationException("name", "is " + name.length() + " characters; at most " + MAX_NAME + " are allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (SafeText.isControlOrFormat(c)) {
                throw new ValidationException("name", String.format("contains a control, format or line-separator "
                        + "character (U+%04X) at index %d; bidirectional and invisible characters are not allowed "
                        + "because they change what a reader of lists and audit logs sees", (int) c, i));
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= name.length() || !Character.isLowSurrogate(name.charAt(i + 1))) {
                    throw new ValidationException("name", "contains an unpaired surrogate at index " + i);
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new ValidationException("name", "contains an unpaired surrogate at index " + i);
            }
        }
        if (SafeText.containsToken(name, s().format())) {
            throw new ValidationException("name", "contains what looks like an API token; names are shown in lists "
                    + "and audit logs, so never put a token in one");
        }
    }

    private Scope scope(AccessLevel level, Map<String, AccessLevel> domainLevels, Set<String> resources) {
        Set<String> canonical = new LinkedHashSet<>();
        for (String r : resources) {
            if (r == null || r.isBlank()) {
                throw new ValidationException("resources", "a resource name must not be blank");
            }
            canonical.add(s().classifier().canonicalResource(r.strip()));
        }
        Scope scope;
        try {
            scope = new Scope(level, domainLevels, canonical);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("domainLevels", e.getMessage());
        }
        s().classifier().validateScope(scope);
        return scope;
    }

    private Optional<Instant> expiry(Policy p, Instant now, Optional<Instant> expiresAt, Optional<Duration> lifetime) {
        Optional<Instant> at;
        String field;
        if (expiresAt.isPresent()) {
            at = Optional.of(expiresAt.get().truncatedTo(ChronoUnit.MILLIS));
            field = "expiresAt";
        } else if (lifetime.isPresent()) {
            if (lifetime.get().isNegative() || lifetime.get().isZero()) {
                throw new ValidationException("expiresInDays", "the lifetime must be positive, was " + lifetime.get());
            }
            at = Optional.of(plus(now, lifetime.get()));
            field = "expiresInDays";
        } else {
            Optional<Duration> dflt = p.defaultLifetime().or(p::maxLifetime);
            at = dflt.map(d -> plus(now, d));
            field = "expiresAt";
        }
        if (at.isEmpty()) {
            if (p.expiryRequired()) {
                throw new ValidationException("expiresAt", "the policy requires an expiry");
            }
            return at;
        }
        if (!at.get().isAfter(now)) {
            throw new ValidationException(field, "the expiry " + at.get() + " is not in the future");
        }
        if (p.maxLifetime().isPresent() && Duration.between(now, at.get()).compareTo(p.maxLifetime().get()) > 0) {
            throw new ValidationException(field, "the expiry " + at.get() + " is beyond the maximum lifetime of "
                    + describe(p.maxLifetime().get()) + " (" + p.maxLifetime().get() + ") allowed by the policy; "
                    + "choose an expiry no later than " + plus(now, p.maxLifetime().get()));
        }
        return at;
    }

    private static Instant plus(Instant now, Duration d) {
        try {
            return now.plus(d);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw new ValidationException("expiresInDays", "the lifetime " + d + " is out of range");
        }
    }

    private static String describe(Duration d) {
        if (d.toHours() % 24 == 0 && d.toDays() > 0 && d.toSeconds() % 3600 == 0) {
            return d.toDays() + " days";
        }
        return d.toString();
    }

    // ------------------------------------------------------------------ read

    /** The record, if the actor may see it (owner or manager); otherwise not found. */
    private TokenRecord visible(Actor actor, DirectoryUser actorUser, String id) {
        Objects.requireNonNull(id, "id");
        TokenRecord r = s().store().findById(id).orElseThrow(() -> new TokenNotFoundException(id));
        boolean own = r.kind() == TokenKind.PERSONAL && r.owner().equals(actor.user());
        if (!own && !isManager(actorUser)) {
            throw new TokenNotFoundException(id);
        }
        return r;
    }

    @Override
    public TokenRecord get(Actor actor, String id) {
        DirectoryUser u = requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        return visible(actor, u, id);
    }

    @Override
    public Page<TokenRecord> listOwn(Actor actor, int page, int size) {
        requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        return s().store().query(TokenQuery.builder(now()).owner(actor.user()).kind(TokenKind.PERSONAL)
                .sort(TokenSort.CREATED_AT, true).page(page).size(size).build());
    }

    @Override
    public Page<TokenRecord> query(Actor actor, TokenQuery query) {
        Objects.requireNonNull(query, "query");
        DirectoryUser u = requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        if (!isManager(u)) {
            throw denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.empty(), Optional.empty(),
                    "listing all tokens needs the token manager capability, which " + actor.user() + " does not have");
        }
        return s().store().query(query);
    }

    // ------------------------------------------------------------------ change

    @Override
    public TokenRecord update(Actor actor, String id, TokenChanges changes) {
        Objects.requireNonNull(changes, "changes");
        DirectoryUser u = requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        changes.name().ifPresent(this::checkName);
        List<String> cidrs = changes.allowedCidrs().map(c -> CidrSet.canonicalize("allowedCidrs", c)).orElse(null);
        Map<String, String> details = new LinkedHashMap<>();
        TokenRecord updated = modify(actor, u, id, r -> {
            if (r.state(now()) != TokenState.ACTIVE) {
                throw new ConflictException("token " + id + " is " + r.state(now()).name().toLowerCase()
                        + " and can no longer be changed");
            }
            details.clear(); // a retry after a concurrent update starts from the fresh record
            Optional<String> narrowOnly = narrowOnlyReason(u, r);
            TokenRecord next = r;
            if (changes.name().isPresent()) {
                if (r.kind() == TokenKind.SERVICE) {
                    throw new ValidationException("name", "a service token's name is its principal and cannot change");
                }
                next = next.withName(changes.name().get());
                details.put("name", change(audited(r.name()), audited(changes.name().get())));
            }
            if (changes.level().isPresent() || changes.resources().isPresent()) {
                AccessLevel level = changes.level().orElse(r.scope().level());
                if (r.kind() == TokenKind.SERVICE && changes.resources().isPresent()) {
                    throw new ValidationException("resources", "a service token stays bound to its one resource");
                }
                Map<String, AccessLevel> domains = new HashMap<>();
                r.scope().domainLevels().forEach((d, l) -> domains.put(d, AccessLevel.min(l, level)));
                Scope scope = scope(level, domains, changes.resources().orElse(r.scope().resources()));
                AccessLevel ceiling = ceilingFor(actor, u, r);
                if (!ceiling.includes(scope.level())) {
                    throw denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.of(r.id()), Optional.of(r.owner()),
                            "level " + scope.level() + " is above " + ceiling + ", the highest level that may be given "
                                    + "to this token");
                }
                if (narrowOnly.isPresent()) {
                    if (!r.scope().level().includes(scope.level())) {
                        throw narrowOnlyDenied(actor, r, "level", scope.level() + " is higher than the token's "
                                + r.scope().level(), narrowOnly.get());
                    }
                    if (!resourcesWithin(scope.resources(), r.scope().resources())) {
                        throw narrowOnlyDenied(actor, r, "resources", "the new resources "
                                + (scope.resources().isEmpty() ? "(none: every resource)" : "are not a subset of "
                                + String.join(",", r.scope().resources())), narrowOnly.get());
                    }
                }
                next = next.withScope(scope);
                putChange(details, "level", r.scope().level().name(), scope.level().name());
                putChange(details, "resources", audited(String.join(",", r.scope().resources())),
                        audited(String.join(",", scope.resources())));
                putChange(details, "domainLevels", r.scope().domainLevels().toString(),
                        scope.domainLevels().toString());
            }
            if (cidrs != null) {
                if (narrowOnly.isPresent() && !CidrNarrowing.within(cidrs, r.allowedCidrs())) {
                    throw narrowOnlyDenied(actor, r, "allowedCidrs", "the new ranges "
                            + (cidrs.isEmpty() ? "(none: every address)" : "do not all lie within "
                            + String.join(",", r.allowedCidrs())), narrowOnly.get());
                }
                next = next.withAllowedCidrs(cidrs);
                putChange(details, "allowedCidrs", String.join(",", r.allowedCidrs()), String.join(",", cidrs));
            }
            return next;
        });
        auditOk(AuditEventType.TOKEN_UPDATED, actor, updated, details);
        return updated;
    }

    /**
     * Why the actor may only narrow this token's restrictions, or empty when they may set anything within the
     * owner's ceiling. A token manager may; an owner may widen only restrictions they set themselves, and only
     * while they may still create tokens: otherwise a widening update is a creation in disguise.
     */
    private Optional<String> narrowOnlyReason(DirectoryUser actorUser, TokenRecord r) {
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
    private static boolean setByManager(TokenRecord r) {
        return r.kind() == TokenKind.PERSONAL && !r.createdBy().equals(r.owner());
    }

    private static boolean resourcesWithin(Set<String> candidate, Set<String> current) {
        // no resources means "every resource"
        return current.isEmpty() || (!candidate.isEmpty() && current.containsAll(candidate));
    }

    private PermissionDeniedException narrowOnlyDenied(Actor actor, TokenRecord r, String field, String what,
                                                       String why) {
        return denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.of(r.id()), Optional.of(r.owner()),
                field + ": " + what + "; " + why);
    }

    /** Caller text in audit details: token-shaped text masked, controls escaped. */
    private String audited(String text) {
        return SafeText.forAudit(text, s.format());
    }

    private static String change(String before, String after) {
        return before + " -> " + after;
    }

    private static void putChange(Map<String, String> details, String field, String before, String after) {
        if (!before.equals(after)) {
            details.put(field, change(before, after));
        }
    }

    private AccessLevel ceilingFor(Actor actor, DirectoryUser actorUser, TokenRecord r) {
        Policy p = policy();
        if (r.kind() == TokenKind.SERVICE) {
            return p.maxLevelFor(actorUser.groups()).orElse(AccessLevel.READ);
        }
        Optional<DirectoryUser> owner = r.owner().equals(actor.user()) ? Optional.of(actorUser)
                : s().directory().findUser(r.owner());
        Optional<AccessLevel> max = owner.flatMap(o -> p.maxLevelFor(o.groups()));
        if (max.isEmpty()) {
            throw denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.of(r.id()), Optional.of(r.owner()),
                    "no group of " + r.owner() + " may be given any token level");
        }
        return max.get();
    }

    /** Read-modify-write with optimistic concurrency; retries when another writer got there first. */
    private TokenRecord modify(Actor actor, DirectoryUser u, String id, UnaryOperator<TokenRecord> change) {
        for (int attempt = 0; ; attempt++) {
            TokenRecord current = visible(actor, u, id);
            TokenRecord next = change.apply(current);
            if (next == current) {
                return current;
            }
            try {
                TokenRecord stored = s().store().update(next, current.version());
                cache.changedLocally(stored);
                return stored;
            } catch (ConcurrentUpdateException e) {
                if (attempt >= 10) {
                    throw new ConflictException("token " + id + " kept changing while it was being updated; try again");
                }
            }
        }
    }

    @Override
    public IssuedToken rotate(Actor actor, String id) {
        DirectoryUser u = requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        for (int attempt = 0; ; attempt++) {
            Optional<IssuedToken> done = tryRotate(actor, u, id, attempt >= 10);
            if (done.isPresent()) {
                return done.get();
            }
        }
    }

    /** One rotation attempt from a fresh read; empty when a concurrent change (not a rotation) got in first. */
    private Optional<IssuedToken> tryRotate(Actor actor, DirectoryUser u, String id, boolean lastAttempt) {
        TokenRecord old = visible(actor, u, id);
        Instant now = now();
        if (old.state(now) != TokenState.ACTIVE) {
            throw new ConflictException("token " + id + " is " + old.state(now).name().toLowerCase()
                    + "; only an active token can be rotated");
        }
        Policy p = policy();
        requireMayCreateNow(actor, u, old, p);
        Optional<Instant> expiresAt = old.expiresAt().map(e -> plus(now, Duration.between(old.createdAt(), e)));
        if (expiresAt.isPresent() && p.maxLifetime().isPresent()
                && Duration.between(now, expiresAt.get()).compareTo(p.maxLifetime().get()) > 0) {
            expiresAt = Optional.of(plus(now, p.maxLifetime().get()));
        }
        if (expiresAt.isEmpty() && p.expiryRequired()) {
            expiresAt = p.defaultLifetime().or(p::maxLifetime).map(d -> plus(now, d));
        }
        InsertConditions limits = limits(p, old.kind(), now);
        for (int collisions = 0; ; collisions++) {
            TokenSecret secret = s().format().generate(old.kind());
            // the successor keeps every restriction and its creator: a rotation by the owner must not turn
            // restrictions a token manager set into restrictions the owner set (and may then widen)
            TokenRecord successor = newRecord(secret, old.kind(), old.name(), old.owner(), old.createdBy(),
                    old.scope(), old.allowedCidrs(), now, expiresAt);
            TokenRecord revoked = old.withRevocation(new Revocation(now, actor.user(), "rotated to " + successor.id()));
            TokenRecord stored;
            try {
                // one atomic step in the store: of N racing rotations exactly one revokes the old token
                stored = s().store().rotate(revoked, old.version(), successor, limits);
            } catch (DuplicateTokenException e) {
                if (collisions >= 3) {
                    throw e;
                }
                continue;
            } catch (ConcurrentUpdateException e) {
                // lost to another writer: a rotation or revocation shows as revoked on the next read (409 there);
                // a mere rename is retried from the fresh record
                if (lastAttempt) {
                    throw new ConflictException("token " + id + " kept changing while it was being rotated; try again");
                }
                return Optional.empty();
            } catch (LimitExceededException e) {
                throw limitConflict(e, old.owner(), old.name(), limits);
            }
            cache.changedLocally(stored);
            cache.changedLocally(successor);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("newTokenId", successor.id());
            details.put("rotatedBy", actor.user());
            details.put("expiresAt", change(old.expiresAt().map(Instant::toString).orElse("never"),
                    successor.expiresAt().map(Instant::toString).orElse("never")));
            auditOk(AuditEventType.TOKEN_ROTATED, actor, stored, details);
            return Optional.of(new IssuedToken(successor, secret));
        }
    }

    /**
     * A rotation issues a new secret, so the actor must be able to create this very token now: still in the
     * create group (or a token manager), the owner still able to use tokens, the level within the owner's
     * ceiling (for a service token, the manager's).
     */
    private void requireMayCreateNow(Actor actor, DirectoryUser u, TokenRecord old, Policy p) {
        boolean manager = isManager(u);
        if (!manager && !p.createTokens().admits(u.groups())) {
            throw denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.of(old.id()), Optional.of(old.owner()),
                    actor.user() + " is not in a group that may create tokens, so may not rotate one (a rotation "
                            + "creates a new token); revoke it instead, or ask a token manager");
        }
        if (old.kind() == TokenKind.PERSONAL) {
            Optional<DirectoryUser> owner = old.owner().equals(actor.user()) ? Optional.of(u)
                    : s().directory().findUser(old.owner()).filter(DirectoryUser::active);
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

    @Override
    public TokenRecord revoke(Actor actor, String id, String reason) {
        DirectoryUser u = requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        String why = checkReason(reason);
        boolean[] changed = new boolean[1];
        TokenRecord r = modify(actor, u, id, cur -> {
            if (cur.revocation().isPresent()) {
                return cur;
            }
            changed[0] = true;
            return cur.withRevocation(new Revocation(now(), actor.user(), why));
        });
        if (changed[0]) {
            auditOk(AuditEventType.TOKEN_REVOKED, actor, r, Map.of("reason", why));
        }
        return r;
    }

    private String checkReason(String reason) {
        String r = reason == null ? "" : reason.strip();
        if (r.length() > MAX_REASON) {
            throw new ValidationException("reason", "is " + r.length() + " characters; at most " + MAX_REASON);
        }
        // stored and shown as is: a token pasted into the reason is masked, controls escaped
        return SafeText.forAudit(r, s().format());
    }

    @Override
    public int revokeAllOf(Actor actor, String owner, String reason) {
        Objects.requireNonNull(owner, "owner");
        DirectoryUser u = requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        if (!owner.equals(actor.user()) && !isManager(u)) {
            throw denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.empty(), Optional.of(owner),
                    "revoking the tokens of " + owner + " needs the token manager capability");
        }
        return revokeAll(actor, TokenQuery.builder(now()).owner(owner).state(TokenState.ACTIVE).build(), reason);
    }

    @Override
    public int revokeMatching(Actor actor, TokenQuery filter, String reason) {
        Objects.requireNonNull(filter, "filter");
        DirectoryUser u = requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        if (!isManager(u)) {
            throw denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.empty(), Optional.empty(),
                    "bulk revocation needs the token manager capability");
        }
        if (filter.state().isPresent() && filter.state().get() != TokenState.ACTIVE) {
            return 0; // only active tokens can be revoked
        }
        return revokeAll(actor, new TokenQuery(filter.owner(), filter.nameContains(), filter.kind(),
                Optional.of(TokenState.ACTIVE), filter.createdAfter(), filter.createdBefore(), filter.expiresBefore(),
                filter.lastUsedBefore(), filter.neverUsed(), TokenSort.CREATED_AT, false, 0, TokenQuery.MAX_PAGE_SIZE,
                now()), reason);
    }

    private int revokeAll(Actor actor, TokenQuery activeFilter, String reason) {
        int count = 0;
        // always page 0: what we revoke drops out of the ACTIVE filter, so the next batch moves up
        for (int guard = 0; guard < 10_000; guard++) {
            Page<TokenRecord> page = s().store().query(activeFilter);
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

    @Override
    public int purge(Actor actor, Instant before) {
        Objects.requireNonNull(before, "before");
        DirectoryUser u = requireActor(actor, AuditEventType.TOKEN_MANAGE_DENIED);
        if (!isManager(u)) {
            throw denied(actor, AuditEventType.TOKEN_MANAGE_DENIED, Optional.empty(), Optional.empty(),
                    "purging tokens needs the token manager capability");
        }
        if (before.isAfter(now())) {
            throw new ValidationException("before", "must not be in the future");
        }
        int n = s().store().purge(before);
        auditor.audit(new AuditEvent(AuditEventType.TOKENS_PURGED, now(), actor.user(), Optional.empty(),
                Optional.empty(), actor.clientIp(), AuditOutcome.SUCCESS, Optional.empty(),
                Map.of("before", before.toString(), "removed", Integer.toString(n))));
        return n;
    }

    private void auditOk(AuditEventType type, Actor actor, TokenRecord r, Map<String, String> details) {
        Map<String, String> d = new LinkedHashMap<>(details);
        d.putIfAbsent("createdBy", r.createdBy());
        auditor.audit(new AuditEvent(type, now(), actor.user(), Optional.of(r.id()), Optional.of(r.owner()),
                actor.clientIp(), AuditOutcome.SUCCESS, Optional.empty(), d));
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
