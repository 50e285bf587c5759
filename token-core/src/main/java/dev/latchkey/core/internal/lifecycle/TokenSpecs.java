package dev.latchkey.core.internal.lifecycle;

import dev.latchkey.core.ConflictException;
import dev.latchkey.core.Policy;
import dev.latchkey.core.TokenFormat;
import dev.latchkey.core.TokenSecret;
import dev.latchkey.core.ValidationException;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.InsertConditions;
import dev.latchkey.spi.LimitExceededException;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.WellFormedText;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a token is made of, checked: names, scopes, expiries against the policy, revocation reasons, the policy's
 * limits for the store, new ids and records. Caller text is refused or made safe here, before anything is written.
 */
final class TokenSpecs {
    private static final int MAX_NAME = 255;
    private static final int MAX_REASON = 500;
    private static final char[] ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private final EngineSettings s;
    private final SecureRandom random = new SecureRandom();

    TokenSpecs(EngineSettings s) {
        this.s = s;
    }

    /** The policy's limits, which the store checks atomically with the insert (a check here could be raced). */
    static InsertConditions limits(Policy p, TokenKind kind, Instant now) {
        InsertConditions c = InsertConditions.asOf(now);
        if (p.maxTokensPerUser().isPresent()) {
            c = c.withMaxActivePerOwner(p.maxTokensPerUser().getAsInt());
        }
        return kind == TokenKind.SERVICE ? c.withUniqueActiveServiceName() : c;
    }

    TokenRecord newRecord(TokenSecret secret, TokenKind kind, String name, String owner, String createdBy,
                                  Scope scope, List<String> cidrs, Instant now, Optional<Instant> expiresAt) {
        String digest = s.digester().digest(secret.reveal());
        return new TokenRecord(newId(), kind, name, owner, createdBy, scope, cidrs, digest,
                s.digester().algorithmId(), TokenFormat.hint(secret.reveal()), now, expiresAt,
                Optional.empty(), Optional.empty(), 0);
    }

    static ConflictException limitConflict(LimitExceededException e, String owner, String name,
                                                   InsertConditions limits) {
        return switch (e.limit()) {
            case ACTIVE_TOKENS_PER_OWNER -> new ConflictException(owner + " already has "
                    + limits.maxActivePerOwner().orElse(0)
                    + " active tokens, the most the policy allows (maxTokensPerUser); revoke one first");
            case ACTIVE_SERVICE_NAME -> new ConflictException("an active service token named " + SafeText.quote(name)
                    + " exists; service principal names must be unique");
        };
    }

    String newId() {
        char[] id = new char[16];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
        }
        return new String(id);
    }

    void checkName(String name) {
        if (name.isBlank()) {
            throw new ValidationException("name", "must not be blank");
        }
        if (name.length() > MAX_NAME) {
            throw new ValidationException("name", "is " + name.length() + " characters; at most " + MAX_NAME + " are allowed");
        }
        int surrogate = WellFormedText.firstUnpairedSurrogate(name);
        int end = surrogate >= 0 ? surrogate : name.length();
        for (int i = 0; i < end; i++) {
            char c = name.charAt(i);
            if (SafeText.isControlOrFormat(c)) {
                throw new ValidationException("name", String.format("contains a control, format or line-separator "
                        + "character (U+%04X) at index %d; bidirectional and invisible characters are not allowed "
                        + "because they change what a reader of lists and audit logs sees", (int) c, i));
            }
        }
        if (surrogate >= 0) {
            throw new ValidationException("name", "contains an unpaired surrogate at index " + surrogate);
        }
        if (SafeText.containsToken(name, s.format())) {
            throw new ValidationException("name", "contains what looks like an API token; names are shown in lists "
                    + "and audit logs, so never put a token in one");
        }
    }

    Scope scope(AccessLevel level, Map<String, AccessLevel> domainLevels, Set<String> resources) {
        Set<String> canonical = new LinkedHashSet<>();
        for (String r : resources) {
            if (r == null || r.isBlank()) {
                throw new ValidationException("resources", "a resource name must not be blank");
            }
            canonical.add(s.classifier().canonicalResource(r.strip()));
        }
        Scope scope;
        try {
            scope = new Scope(level, domainLevels, canonical);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("domainLevels", e.getMessage());
        }
        s.classifier().validateScope(scope);
        return scope;
    }

    Optional<Instant> expiry(Policy p, Instant now, Optional<Instant> expiresAt, Optional<Duration> lifetime) {
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

    static Instant plus(Instant now, Duration d) {
        try {
            return now.plus(d);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw new ValidationException("expiresInDays", "the lifetime " + d + " is out of range");
        }
    }

    static String describe(Duration d) {
        if (d.toHours() % 24 == 0 && d.toDays() > 0 && d.toSeconds() % 3600 == 0) {
            return d.toDays() + " days";
        }
        return d.toString();
    }

    String checkReason(String reason) {
        String r = reason == null ? "" : reason.strip();
        if (r.length() > MAX_REASON) {
            throw new ValidationException("reason", "is " + r.length() + " characters; at most " + MAX_REASON);
        }
        // stored and shown as is: a token pasted into the reason is masked, controls escaped
        return SafeText.forAudit(r, s.format());
    }

    /** Caller text in audit details: token-shaped text masked, controls escaped. */
    String audited(String text) {
        return SafeText.forAudit(text, s.format());
    }
}
