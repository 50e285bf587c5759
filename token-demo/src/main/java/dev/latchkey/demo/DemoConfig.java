package dev.latchkey.demo;

import dev.latchkey.core.internal.net.CidrRules;
import dev.latchkey.core.Policy;
import dev.latchkey.core.ValidationException;
import dev.latchkey.servlet.ClientIpResolver;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo host's readable configuration, {@value #FILE_NAME} in the data directory: demo users (password,
 * groups, active flag), the host's own project permissions, the Latchkey policy in its flat settings form,
 * where password Basic authentication is disabled, and the trusted proxies. Written with comments on first
 * start and re-read on every start; a bad value is a {@link DemoConfigException} naming the key.
 *
 * <p>Immutable.
 *
 * @param users                    demo users by name, in file order
 * @param projectWriteGroups       groups whose members may create repositories (the host's own rights)
 * @param projectAdminGroups       groups whose members may delete repositories
 * @param policySettings           {@code policy.*} settings (Policy's flat form), applied on start
 * @param passwordAuthDisabledPaths servlet URL patterns where password Basic authentication is refused
 * @param passwordAuthExemptUsers  users who may still use their password there (break glass)
 * @param trustedProxies           proxies whose forwarding header is believed (CIDRs)
 * @param clientIpHeader           the forwarding header read from trusted proxies
 * @param directoryCacheTtl        how long the engine caches directory answers
 * @param failedAttemptLimit       failed authentications per client address before 429, or empty for no limit
 * @param expiryNotices            how long before expiry owners are told (empty: no expiry notices)
 * @param expiryNoticeInterval     how often the expiry-notice sweep runs
 * @param pushProtection           whether pushes containing an active API token are refused
 * @param introspectionClients     RFC 7662 callers of {@code /introspect}: client id to the SHA-256 (hex) of its secret
 */
public record DemoConfig(Map<String, DemoUser> users, Set<String> projectWriteGroups, Set<String> projectAdminGroups,
                         Map<String, String> policySettings, List<String> passwordAuthDisabledPaths,
                         List<String> passwordAuthExemptUsers, List<String> trustedProxies, String clientIpHeader,
                         Duration directoryCacheTtl, Optional<AttemptLimit> failedAttemptLimit,
                         List<Duration> expiryNotices, Duration expiryNoticeInterval, boolean pushProtection,
                         Map<String, String> introspectionClients) {

    /** The configuration file name inside the data directory. */
    public static final String FILE_NAME = "latchkey-demo.properties";

    private static final Pattern USER_NAME = Pattern.compile("[a-z][a-z0-9._-]{0,63}");
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> HOST_KEYS = Set.of("host.projectWriteGroups", "host.projectAdminGroups",
            "latchkey.passwordAuthDisabledPaths", "latchkey.passwordAuthExemptUsers", "latchkey.trustedProxies",
            "latchkey.clientIpHeader", "latchkey.directoryCacheTtl", "latchkey.failedAttemptLimit",
            "latchkey.expiryNotices", "latchkey.expiryNoticeInterval", "host.pushProtection",
            "latchkey.introspectionClients");

    /**
     * The engine's failed-attempt limit: {@code failures} per {@code per} from one client address.
     *
     * @param failures failed attempts allowed
     * @param per      over this time (the bucket refills evenly)
     */
    public record AttemptLimit(int failures, Duration per) {
        public AttemptLimit {
            Objects.requireNonNull(per, "per");
        }
    }
    private static final Pattern INTROSPECTION_CLIENT = Pattern.compile("([^:,\\s]{1,128}):([0-9a-fA-F]{64})");

    /**
     * A demo user.
     *
     * @param name     user name
     * @param password the plain demo password (this is a demo)
     * @param groups   group names
     * @param active   false when deactivated
     */
    public record DemoUser(String name, String password, Set<String> groups, boolean active) {
        public DemoUser {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
            groups = Set.copyOf(new LinkedHashSet<>(groups));
        }

        @Override
        public String toString() {
            return "DemoUser[" + name + ", groups=" + groups + ", active=" + active + ", password=***]";
        }
    }

    public DemoConfig {
        users = Map.copyOf(users);
        projectWriteGroups = Set.copyOf(projectWriteGroups);
        projectAdminGroups = Set.copyOf(projectAdminGroups);
        policySettings = Map.copyOf(policySettings);
        passwordAuthDisabledPaths = List.copyOf(passwordAuthDisabledPaths);
        passwordAuthExemptUsers = List.copyOf(passwordAuthExemptUsers);
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(clientIpHeader, "clientIpHeader");
        Objects.requireNonNull(directoryCacheTtl, "directoryCacheTtl");
        Objects.requireNonNull(failedAttemptLimit, "failedAttemptLimit");
        expiryNotices = List.copyOf(expiryNotices);
        Objects.requireNonNull(expiryNoticeInterval, "expiryNoticeInterval");
        introspectionClients = Map.copyOf(introspectionClients);
    }

    /** The policy the file describes (Policy's defaults with the {@code policy.*} settings applied). */
    public Policy policy() {
        return Policy.defaults().with(policySettings);
    }

    /**
     * Reads {@code dataDir/}{@value #FILE_NAME}, writing the commented default first if it does not exist.
     *
     * @throws DemoConfigException naming the key of the first bad value
     */
    public static DemoConfig loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        writeDefaultIfAbsent(file);
        return load(file);
    }

    /** Writes the commented default configuration to {@code file} unless it exists. Returns whether it wrote. */
    public static boolean writeDefaultIfAbsent(Path file) {
        if (Files.exists(file)) {
            return false;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, DEFAULT_TEXT, StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo configuration " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a configuration file.
     *
     * @throws DemoConfigException naming the key of the first bad value
     */
    public static DemoConfig load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo configuration " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).strip()));
        return parse(m, file.toString());
    }

    static DemoConfig parse(Map<String, String> m, String source) {
        Map<String, DemoUser> users = new LinkedHashMap<>();
        Map<String, String> policy = new LinkedHashMap<>();
        Set<String> userNames = new LinkedHashSet<>();
        for (String key : m.keySet()) {
            if (key.startsWith("user.")) {
                String[] parts = key.split("\\.", -1);
                if (parts.length != 3 || !Set.of("password", "groups", "active").contains(parts[2])) {
                    throw bad(source, key, "unknown user setting; use user.<name>.password, user.<name>.groups or "
                            + "user.<name>.active");
                }
                if (!USER_NAME.matcher(parts[1]).matches()) {
                    throw bad(source, key, "'" + parts[1] + "' is not a user name (lower-case letters, digits, '.', "
                            + "'_', '-'; starting with a letter)");
                }
                userNames.add(parts[1]);
            } else if (key.startsWith("policy.")) {
                String setting = key.substring("policy.".length());
                if (!Policy.SETTINGS.contains(setting)) {
                    throw bad(source, key, "unknown policy setting; known ones are policy." + String.join(", policy.",
                            Policy.SETTINGS));
                }
                policy.put(setting, m.get(key));
            } else if (!HOST_KEYS.contains(key)) {
                throw bad(source, key, "unknown setting; known ones are user.<name>.*, policy.<setting> and "
                        + new java.util.TreeSet<>(HOST_KEYS));
            }
        }
        for (String name : userNames) {
            String pw = m.get("user." + name + ".password");
            if (pw == null || pw.isEmpty()) {
                throw bad(source, "user." + name + ".password", "missing; every user needs a password");
            }
            Set<String> groups = groups(source, "user." + name + ".groups", m.getOrDefault("user." + name + ".groups", ""));
            boolean active = bool(source, "user." + name + ".active", m.getOrDefault("user." + name + ".active", "true"));
            users.put(name, new DemoUser(name, pw, groups, active));
        }
        if (users.isEmpty()) {
            throw bad(source, "user.<name>.password", "no users are configured; add at least one");
        }
        try {
            Policy.defaults().with(policy);
        } catch (ValidationException e) {
            throw new DemoConfigException(source + ": policy." + e.getMessage().replaceFirst("^policy\\.", ""), e);
        }
        List<String> disabled = list(m.getOrDefault("latchkey.passwordAuthDisabledPaths", ""));
        for (String pattern : disabled) {
            if (!(pattern.startsWith("/") || pattern.startsWith("*."))) {
                throw bad(source, "latchkey.passwordAuthDisabledPaths", "'" + pattern + "' is not a servlet URL "
                        + "pattern such as /rest/api/* or /scm/*");
            }
        }
        List<String> exempt = list(m.getOrDefault("latchkey.passwordAuthExemptUsers", ""));
        for (String u : exempt) {
            if (!users.containsKey(u)) {
                throw bad(source, "latchkey.passwordAuthExemptUsers", "'" + u + "' is not a configured user");
            }
        }
        if (!exempt.isEmpty() && disabled.isEmpty()) {
            throw bad(source, "latchkey.passwordAuthExemptUsers", "exemptions only matter where password "
                    + "authentication is disabled; set latchkey.passwordAuthDisabledPaths too, or clear this");
        }
        List<String> proxies = list(m.getOrDefault("latchkey.trustedProxies", ""));
        try {
            // the engine's own parser, so the file is judged by the rules the filter will apply
            CidrRules.compile("latchkey.trustedProxies", proxies);
        } catch (ValidationException e) {
            throw new DemoConfigException(source + ": " + e.getMessage()); // the message names the key already
        }
        String header = m.getOrDefault("latchkey.clientIpHeader", "X-Forwarded-For");
        try {
            // the filter's own rule for a header name, so the file is judged as the filter will judge it
            ClientIpResolver.builder().customHeader(header);
        } catch (IllegalArgumentException e) {
            throw bad(source, "latchkey.clientIpHeader", e.getMessage());
        }
        Duration ttl;
        String ttlText = m.getOrDefault("latchkey.directoryCacheTtl", "PT2S");
        try {
            ttl = Duration.parse(ttlText);
        } catch (DateTimeParseException e) {
            throw bad(source, "latchkey.directoryCacheTtl", "'" + ttlText + "' is not an ISO-8601 duration such as PT2S");
        }
        if (ttl.isNegative()) {
            throw bad(source, "latchkey.directoryCacheTtl", "must not be negative");
        }
        Map<String, String> introspection = new LinkedHashMap<>();
        for (String entry : list(m.getOrDefault("latchkey.introspectionClients", ""))) {
            Matcher c = INTROSPECTION_CLIENT.matcher(entry);
            if (!c.matches() || introspection.put(c.group(1), c.group(2)) != null) {
                throw bad(source, "latchkey.introspectionClients", "each entry is <client id>:<64 hex digits of the "
                        + "SHA-256 of its secret>, each id once");
            }
        }
        return new DemoConfig(users,
                groups(source, "host.projectWriteGroups", m.getOrDefault("host.projectWriteGroups", "")),
                groups(source, "host.projectAdminGroups", m.getOrDefault("host.projectAdminGroups", "")),
                policy, disabled, exempt, proxies, header, ttl,
                attemptLimit(source, m.getOrDefault("latchkey.failedAttemptLimit", "20/PT1M")),
                expiryNotices(source, m.getOrDefault("latchkey.expiryNotices", "P60D,P30D,P7D")),
                duration(source, "latchkey.expiryNoticeInterval", m.getOrDefault("latchkey.expiryNoticeInterval", "PT1H"),
                        Duration.ofSeconds(1)),
                bool(source, "host.pushProtection", m.getOrDefault("host.pushProtection", "true")),
                introspection);
    }

    /** {@code N/duration} (e.g. {@code 20/PT1M}), or {@code off}. */
    private static Optional<AttemptLimit> attemptLimit(String source, String text) {
        String key = "latchkey.failedAttemptLimit";
        if (text.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw bad(source, key, "'" + text + "' is not failures/duration such as 20/PT1M, or off");
        }
        int failures;
        try {
            failures = Integer.parseInt(text.substring(0, slash).strip());
        } catch (NumberFormatException e) {
            throw bad(source, key, "'" + text.substring(0, slash).strip() + "' is not a whole number of failures");
        }
        if (failures < 1 || failures > 1_000_000) {
            throw bad(source, key, "failures must be 1..1000000, was " + failures);
        }
        Duration per = duration(source, key, text.substring(slash + 1).strip(), Duration.ofSeconds(1));
        if (per.compareTo(Duration.ofDays(1)) > 0) {
            throw bad(source, key, "the duration must be at most P1D, was " + per);
        }
        return Optional.of(new AttemptLimit(failures, per));
    }

    /** Comma-separated durations, all different; empty turns expiry notices off. */
    private static List<Duration> expiryNotices(String source, String text) {
        List<Duration> out = new ArrayList<>();
        for (String part : list(text)) {
            Duration d = duration(source, "latchkey.expiryNotices", part, Duration.ofSeconds(1));
            if (out.contains(d)) {
                throw bad(source, "latchkey.expiryNotices", part + " is listed twice");
            }
            out.add(d);
        }
        return out;
    }

    private static Duration duration(String source, String key, String text, Duration min) {
        Duration d;
        try {
            d = Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw bad(source, key, "'" + text + "' is not an ISO-8601 duration such as PT1H or P30D");
        }
        if (d.compareTo(min) < 0) {
            throw bad(source, key, "must be at least " + min + ", was " + d);
        }
        return d;
    }

    private static Set<String> groups(String source, String key, String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String g : list(text)) {
            if (!GROUP_NAME.matcher(g).matches()) {
                throw bad(source, key, "'" + g + "' is not a group name (letters, digits, '.', '_', '-')");
            }
            out.add(g);
        }
        return out;
    }

    private static boolean bool(String source, String key, String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        throw bad(source, key, "'" + text + "' is not true or false");
    }

    private static List<String> list(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    private static DemoConfigException bad(String source, String key, String message) {
        return new DemoConfigException(source + ": " + key + ": " + message);
    }

    /** A bad configuration value; the message names the file and the key. */
    public static final class DemoConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DemoConfigException(String message) {
            super(message);
        }

        DemoConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static final String DEFAULT_TEXT = """
            # Latchkey demo host configuration. Re-read on every start: edit it and restart the demo.
            #
            # THIS IS A DEMO. The passwords below are plain text and equal to the user names. Never use this
            # file, these users or these passwords for anything real.

            # ---- Demo users: user.<name>.password, user.<name>.groups (comma-separated), user.<name>.active
            user.admin.password=admin
            user.admin.groups=admins
            user.admin.active=true

            user.alice.password=alice
            user.alice.groups=developers
            user.alice.active=true

            user.bob.password=bob
            user.bob.groups=readers
            user.bob.active=true

            user.carol.password=carol
            user.carol.groups=contractors
            user.carol.active=true

            # dave is deactivated: his password and his tokens do not work
            user.dave.password=dave
            user.dave.groups=developers
            user.dave.active=false

            # ---- The host's own rights (not token scopes; a token never exceeds them).
            # Every active user may read every project and repository. Members of these groups may also
            # create repositories (and push); the admin groups may delete repositories.
            host.projectWriteGroups=developers,admins
            host.projectAdminGroups=admins

            # ---- Latchkey policy, in Policy's flat settings form (policy.<setting>). Applied on every start:
            # settings that differ from the policy stored in the database are saved (and audited) as a change
            # made by the first active user who may administer the policy.
            # Who may authenticate with tokens and create them for themselves (contractors may not):
            policy.useTokens=developers,admins,readers
            policy.createTokens=developers,admins,readers
            # The highest level each group may give its tokens (ADMIN: admin tokens may create and delete
            # repositories, which Bitbucket documents as PROJECT_ADMIN and REPO_ADMIN):
            policy.levelGrants=developers=WRITE,admins=ADMIN,readers=READ
            # Token managers (create on behalf of others, list and revoke all tokens, read the audit log):
            policy.manageTokens=admins
            policy.administerPolicy=admins
            policy.defaultLifetime=P90D
            policy.maxLifetime=P365D
            policy.expiryRequired=true
            policy.maxTokensPerUser=100
            # e.g. 10.0.0.0/8,192.168.0.0/16 (empty: tokens may be used from anywhere, unless limited per token)
            policy.globalAllowedCidrs=
            policy.tokensMayManageTokens=false
            # Which kinds of token may rotate themselves (POST /rest/latchkey/1.0/tokens/self/rotate with the token):
            # SERVICE suits CI systems; PERSONAL,SERVICE for both; empty turns it off (the library's default).
            policy.selfRotation=SERVICE

            # ---- Password Basic authentication is refused on these paths (scripts and git must use tokens).
            # It stays allowed on /rest/latchkey/*, where users create their first token.
            latchkey.passwordAuthDisabledPaths=/rest/api/*,/scm/*
            # break-glass users who may still use their password there (empty: nobody)
            latchkey.passwordAuthExemptUsers=

            # ---- Reverse proxies whose forwarding header is believed (comma-separated CIDRs, e.g.
            # 127.0.0.1/32). Empty: the client IP is always the peer address; forwarding headers are ignored.
            latchkey.trustedProxies=
            latchkey.clientIpHeader=X-Forwarded-For

            # How long directory answers (active, groups) are cached: a deactivated user's tokens stop
            # working within this time.
            latchkey.directoryCacheTtl=PT2S

            # ---- Failed authentications allowed per client address (failures/ISO-8601 duration), then 429 with
            # Retry-After; "off" for none (e.g. a CI farm behind one address that retries a revoked token in a loop).
            latchkey.failedAttemptLimit=20/PT1M

            # ---- Leaked tokens. Owners are told (see the log, logger dev.latchkey.notice) this long before their
            # tokens expire, once each; empty turns expiry notices off. The sweep runs every expiryNoticeInterval.
            latchkey.expiryNotices=P60D,P30D,P7D
            latchkey.expiryNoticeInterval=PT1H
            # Refuse a git push that contains an active API token of this server (the token is revoked as leaked).
            host.pushProtection=true

            # ---- Resource servers that may ask POST /introspect (RFC 7662) whether a token is active, with HTTP
            # Basic <client id>:<secret>: comma-separated <client id>:<SHA-256 of the secret, 64 hex digits>
            # (printf %s "$SECRET" | sha256sum). Empty: /introspect is not served.
            latchkey.introspectionClients=
            """;
}
