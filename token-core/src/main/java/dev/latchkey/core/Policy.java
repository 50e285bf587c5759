package dev.latchkey.core;

import dev.latchkey.core.internal.text.CommaList;
import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.TokenKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * The token policy and permission model, administered at run time and shared by every node through the
 * store. Immutable and thread-safe; every value is validated when the policy is built or parsed, and a bad
 * value is a {@link ValidationException} naming the setting (never a silent clamp).
 *
 * @param defaultLifetime      lifetime of a token created without an expiry
 * @param maxLifetime          the longest lifetime a token may have
 * @param expiryRequired       whether every token must expire (then a token with no expiry gets the default)
 * @param maxTokensPerUser     the most active tokens one owner may have
 * @param globalAllowedCidrs   ranges every token must be used from (empty: no global limit)
 * @param tokensMayManageTokens whether a request authenticated by a token may create, change or revoke tokens
 * @param useTokens            who may authenticate with tokens (checked at every use)
 * @param createTokens         who may create tokens for themselves
 * @param manageTokens         token managers: create on behalf of others, list and revoke all tokens
 * @param administerPolicy     who may change this policy
 * @param levelGrants          the highest level each group may give its tokens; key {@code *} is everyone
 * @param selfRotation         the kinds of token that may rotate themselves ({@link TokenService#rotateSelf}); empty
 *                             (the default) turns self-rotation off. CI systems holding service tokens are the case
 *                             it is for: {@code SERVICE}
 *
 * @since 0.1
 */
public record Policy(
        Optional<Duration> defaultLifetime,
        Optional<Duration> maxLifetime,
        boolean expiryRequired,
        OptionalInt maxTokensPerUser,
        List<String> globalAllowedCidrs,
        boolean tokensMayManageTokens,
        GroupRule useTokens,
        GroupRule createTokens,
        GroupRule manageTokens,
        GroupRule administerPolicy,
        Map<String, AccessLevel> levelGrants,
        Set<TokenKind> selfRotation) {

    /** The key in {@link #levelGrants()} that applies to everyone. */
    public static final String EVERYONE = "*";

    /**
     * Checks that the fields form a consistent policy, and keeps immutable, canonical copies of the collections.
     *
     * @param defaultLifetime       lifetime of a token created without an expiry
     * @param maxLifetime           the longest lifetime a token may have
     * @param expiryRequired        whether every token must expire
     * @param maxTokensPerUser      the most active tokens one owner may have
     * @param globalAllowedCidrs    ranges every token must be used from
     * @param tokensMayManageTokens whether a request authenticated by a token may create, change or revoke tokens
     * @param useTokens             who may authenticate with tokens
     * @param createTokens          who may create tokens for themselves
     * @param manageTokens          token managers
     * @param administerPolicy      who may change this policy
     * @param levelGrants           the highest level each group may give its tokens
     * @param selfRotation          the kinds of token that may rotate themselves
     * @throws NullPointerException if a field, or a level in {@code levelGrants}, is null
     * @throws ValidationException  naming the field if a lifetime is not positive, the default lifetime is longer than
     *                              the maximum, expiry is required with no lifetime set, {@code maxTokensPerUser} is
     *                              below 1, a range is invalid or a group name in {@code levelGrants} is blank
     */
    public Policy {
        Objects.requireNonNull(defaultLifetime, "defaultLifetime");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        Objects.requireNonNull(maxTokensPerUser, "maxTokensPerUser");
        Objects.requireNonNull(useTokens, "useTokens");
        Objects.requireNonNull(createTokens, "createTokens");
        Objects.requireNonNull(manageTokens, "manageTokens");
        Objects.requireNonNull(administerPolicy, "administerPolicy");
        globalAllowedCidrs = CidrSet.canonicalize("globalAllowedCidrs",
                Objects.requireNonNull(globalAllowedCidrs, "globalAllowedCidrs"));
        levelGrants = Map.copyOf(new TreeMap<>(Objects.requireNonNull(levelGrants, "levelGrants")));
        selfRotation = Set.copyOf(Objects.requireNonNull(selfRotation, "selfRotation"));
        checkPositive("defaultLifetime", defaultLifetime);
        checkPositive("maxLifetime", maxLifetime);
        if (defaultLifetime.isPresent() && maxLifetime.isPresent()
                && defaultLifetime.get().compareTo(maxLifetime.get()) > 0) {
            throw new ValidationException("defaultLifetime", "the default lifetime " + defaultLifetime.get()
                    + " is longer than the maximum lifetime " + maxLifetime.get() + "; shorten it or raise the maximum");
        }
        if (expiryRequired && defaultLifetime.isEmpty() && maxLifetime.isEmpty()) {
            throw new ValidationException("expiryRequired",
                    "expiry is required but neither a default nor a maximum lifetime is set; set defaultLifetime");
        }
        if (maxTokensPerUser.isPresent() && maxTokensPerUser.getAsInt() < 1) {
            throw new ValidationException("maxTokensPerUser",
                    "must be at least 1, was " + maxTokensPerUser.getAsInt() + "; leave it unset for no limit");
        }
        for (Map.Entry<String, AccessLevel> e : levelGrants.entrySet()) {
            if (e.getKey().isBlank()) {
                throw new ValidationException("levelGrants", "a group name must not be blank");
            }
            Objects.requireNonNull(e.getValue(), "levelGrants value");
        }
    }

    private static void checkPositive(String field, Optional<Duration> d) {
        if (d.isPresent() && (d.get().isNegative() || d.get().isZero())) {
            throw new ValidationException(field, "must be positive, was " + d.get());
        }
    }

    /**
     * The secure defaults: everyone may use and create tokens up to WRITE; tokens expire after 90 days by
     * default and at most after 365; at most 100 active tokens per user; nobody manages other users' tokens
     * or administers the policy until the host grants it; tokens cannot manage tokens and cannot rotate themselves.
     *
     * @return the default policy
     */
    public static Policy defaults() {
        return new Policy(Optional.of(Duration.ofDays(90)), Optional.of(Duration.ofDays(365)), true,
                OptionalInt.of(100), List.of(), false, GroupRule.everyone(), GroupRule.everyone(),
                GroupRule.nobody(), GroupRule.nobody(), Map.of(EVERYONE, AccessLevel.WRITE), Set.of());
    }

    /**
     * The highest level a member of {@code groups} may give a token, if any.
     *
     * @param groups the user's groups
     * @return the highest level granted to everyone or to one of the groups; empty when none is
     */
    public Optional<AccessLevel> maxLevelFor(Collection<String> groups) {
        AccessLevel best = levelGrants.get(EVERYONE);
        for (String g : groups) {
            AccessLevel l = levelGrants.get(g);
            if (l != null && (best == null || l.compareTo(best) > 0)) {
                best = l;
            }
        }
        return Optional.ofNullable(best);
    }

    // ---- flat settings form (what the store keeps and the REST API shows) ----

    /**
     * The settings names and values, as stored; the inverse of {@link #fromSettings(Map)}.
     *
     * @return every setting by name, in a fixed order; an unset value is an empty text
     */
    public Map<String, String> toSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("defaultLifetime", defaultLifetime.map(Duration::toString).orElse(""));
        m.put("maxLifetime", maxLifetime.map(Duration::toString).orElse(""));
        m.put("expiryRequired", Boolean.toString(expiryRequired));
        m.put("maxTokensPerUser", maxTokensPerUser.isPresent() ? Integer.toString(maxTokensPerUser.getAsInt()) : "");
        m.put("globalAllowedCidrs", String.join(",", globalAllowedCidrs));
        m.put("tokensMayManageTokens", Boolean.toString(tokensMayManageTokens));
        m.put("useTokens", useTokens.toText());
        m.put("createTokens", createTokens.toText());
        m.put("manageTokens", manageTokens.toText());
        m.put("administerPolicy", administerPolicy.toText());
        List<String> grants = new ArrayList<>();
        levelGrants.forEach((g, l) -> grants.add(g + "=" + l));
        m.put("levelGrants", String.join(",", grants));
        m.put("selfRotation", String.join(",", selfRotation.stream().map(TokenKind::name).sorted().toList()));
        return m;
    }

    /** The setting names {@link #fromSettings(Map)} accepts. */
    public static final List<String> SETTINGS = List.of("defaultLifetime", "maxLifetime", "expiryRequired",
            "maxTokensPerUser", "globalAllowedCidrs", "tokensMayManageTokens", "useTokens", "createTokens",
            "manageTokens", "administerPolicy", "levelGrants", "selfRotation");

    /**
     * Parses the flat settings form. Missing settings take the value from {@link #defaults()}; unknown ones
     * are an error (a typo must not be silently ignored).
     *
     * @param settings setting names mapped to values in the form {@link #toSettings()} writes
     * @return the policy
     * @throws ValidationException naming the first bad setting
     */
    public static Policy fromSettings(Map<String, String> settings) {
        return defaults().with(settings);
    }

    /**
     * A copy with the given settings replaced (same names and forms as {@link #toSettings()}).
     *
     * @param settings setting names mapped to new values in the form {@link #toSettings()} writes
     * @return a new policy with those settings changed; this one is unchanged
     * @throws ValidationException naming the first bad or unknown setting
     */
    public Policy with(Map<String, String> settings) {
        Map<String, String> m = new LinkedHashMap<>(toSettings());
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (!SETTINGS.contains(e.getKey())) {
                throw new ValidationException(SafeText.quote(String.valueOf(e.getKey())),
                        "unknown policy setting; known settings are " + SETTINGS);
            }
            m.put(e.getKey(), Objects.requireNonNull(e.getValue(), e.getKey()));
        }
        return new Policy(duration("defaultLifetime", m.get("defaultLifetime")),
                duration("maxLifetime", m.get("maxLifetime")),
                bool("expiryRequired", m.get("expiryRequired")),
                positiveInt("maxTokensPerUser", m.get("maxTokensPerUser")),
                CommaList.split(m.get("globalAllowedCidrs")),
                bool("tokensMayManageTokens", m.get("tokensMayManageTokens")),
                GroupRule.parse("useTokens", m.get("useTokens")),
                GroupRule.parse("createTokens", m.get("createTokens")),
                GroupRule.parse("manageTokens", m.get("manageTokens")),
                GroupRule.parse("administerPolicy", m.get("administerPolicy")),
                grants(m.get("levelGrants")),
                kinds("selfRotation", m.get("selfRotation")));
    }

    private static Optional<Duration> duration(String field, String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.parse(t));
        } catch (RuntimeException e) {
            throw new ValidationException(field, SafeText.quote(text) + " is not an ISO-8601 duration such as P90D or PT12H");
        }
    }

    private static boolean bool(String field, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("true")) {
            return true;
        }
        if (t.equals("false")) {
            return false;
        }
        throw new ValidationException(field, SafeText.quote(text) + " is not true or false");
    }

    private static OptionalInt positiveInt(String field, String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new ValidationException(field, SafeText.quote(text) + " is not a whole number");
        }
    }

    private static Set<TokenKind> kinds(String field, String text) {
        Set<TokenKind> out = EnumSet.noneOf(TokenKind.class);
        for (String part : CommaList.split(text)) {
            try {
                out.add(TokenKind.valueOf(part.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ValidationException(field, SafeText.quote(part) + " is not a token kind; use PERSONAL, "
                        + "SERVICE, both comma-separated, or nothing (off)");
            }
        }
        return out;
    }

    private static Map<String, AccessLevel> grants(String text) {
        Map<String, AccessLevel> out = new TreeMap<>();
        for (String part : CommaList.split(text)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new ValidationException("levelGrants", SafeText.quote(part) + " is not group=LEVEL (e.g. developers=WRITE, *=READ)");
            }
            String group = part.substring(0, eq).strip();
            String level = part.substring(eq + 1).strip().toUpperCase(Locale.ROOT);
            try {
                out.put(group, AccessLevel.valueOf(level));
            } catch (IllegalArgumentException e) {
                throw new ValidationException("levelGrants", SafeText.quote(part.substring(eq + 1).strip())
                        + " is not a level; use READ, WRITE or ADMIN");
            }
        }
        return out;
    }
}
