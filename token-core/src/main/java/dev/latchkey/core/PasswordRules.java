package dev.latchkey.core;

import dev.latchkey.core.internal.PathPatterns;
import dev.latchkey.spi.internal.SetOnce;
import dev.latchkey.spi.AuditSink;
import dev.latchkey.spi.UserDirectory;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where an adapter refuses passwords (HTTP Basic with a password that is not a token) before the host checks them:
 * paths that need a token, paths where password authentication is disabled with its break-glass exemptions, and
 * paths where the policy's global IP allowlist applies to passwords too. Paths are servlet URL patterns,
 * context-relative: {@code /rest/*} (also {@code /rest} itself), {@code /exact}, {@code *.json}, {@code /*}.
 *
 * <p>The rules decide nothing by themselves: {@link Latchkey#passwordGate(PasswordRules)} binds them to an engine,
 * whose directory cache, failed-attempt limit and audit they then use. The option names are those of the servlet
 * filter's builder, which forwards them here. Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class PasswordRules {
    private static final PasswordRules NONE = builder().build();

    private final PathPatterns tokenRequired;
    private final PathPatterns disabled;
    private final Set<String> exemptUsers;
    private final Set<String> exemptGroups;
    private final PathPatterns allowlist;
    private final UserDirectory directory;
    private final AuditSink audit;
    private final Clock clock;

    private PasswordRules(Builder b) {
        this.tokenRequired = b.tokenRequired != null ? b.tokenRequired : PathPatterns.none();
        this.disabled = b.disabled != null ? b.disabled : PathPatterns.none();
        this.exemptUsers = b.exemptUsers != null ? b.exemptUsers : Set.of();
        this.exemptGroups = b.exemptGroups != null ? b.exemptGroups : Set.of();
        this.allowlist = b.allowlist != null ? b.allowlist : PathPatterns.none();
        this.directory = b.directory;
        this.audit = b.audit;
        this.clock = b.clock;
    }

    /**
     * A builder; every option is off until set.
     *
     * @return a new builder with no rule set
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * No rules: every password is the host's to check.
     *
     * @return rules that restrict no path
     */
    public static PasswordRules none() {
        return NONE;
    }

    /**
     * Whether {@code path} needs a token ({@link Builder#requireTokenFor}): a password there is always refused.
     *
     * @param path the context-relative request path
     * @return true if a password on this path is always refused
     */
    public boolean requiresToken(String path) {
        return !tokenRequired.isEmpty() && tokenRequired.matches(path);
    }

    /**
     * Whether password authentication is disabled on {@code path} ({@link Builder#disablePasswordAuthFor}).
     *
     * @param path the context-relative request path
     * @return true if passwords are disabled there (exempt users aside)
     */
    public boolean disablesPasswordsAt(String path) {
        return !disabled.isEmpty() && disabled.matches(path);
    }

    /**
     * Whether the global allowlist applies to passwords on {@code path} ({@link Builder#applyGlobalAllowlistToPasswordAuth}).
     *
     * @param path the context-relative request path
     * @return true if a password there must come from inside the global allowlist
     */
    public boolean appliesAllowlistAt(String path) {
        return !allowlist.isEmpty() && allowlist.matches(path);
    }

    /**
     * Whether any rule concerns a password on {@code path}; when not, the password is the host's and an adapter
     * need not even resolve the client address.
     *
     * @param path the context-relative request path
     * @return true if any rule concerns a password on this path
     */
    public boolean restricts(String path) {
        return requiresToken(path) || disablesPasswordsAt(path) || appliesAllowlistAt(path);
    }

    /**
     * The users exempt where passwords are disabled (never where a token is required).
     *
     * @return the exempt user names (empty: none)
     */
    public Set<String> exemptUsers() {
        return exemptUsers;
    }

    /**
     * The groups whose active members are exempt where passwords are disabled.
     *
     * @return the exempt group names (empty: none)
     */
    public Set<String> exemptGroups() {
        return exemptGroups;
    }

    /**
     * The directory asked for exempt groups when not the engine's; empty: the engine's, through its cache.
     *
     * @return the directory set on the builder, or empty for the engine's
     */
    public Optional<UserDirectory> userDirectory() {
        return Optional.ofNullable(directory);
    }

    /**
     * Where refusals are audited when not the engine's refusal queue.
     *
     * @return the sink set on the builder, or empty for the engine's refusal queue
     */
    public Optional<AuditSink> auditSink() {
        return Optional.ofNullable(audit);
    }

    /**
     * The clock of audit timestamps when not the engine's.
     *
     * @return the clock set on the builder, or empty for the engine's
     */
    public Optional<Clock> clock() {
        return Optional.ofNullable(clock);
    }

    @Override
    public String toString() {
        return "tokenRequiredFor=" + tokenRequired + ", passwordAuthDisabledFor=" + disabled
                + ", exemptUsers=" + exemptUsers + ", exemptGroups=" + exemptGroups
                + ", passwordAllowlistFor=" + allowlist;
    }

    /**
     * Configures {@link PasswordRules}. Each option may be set once ({@link IllegalStateException} otherwise);
     * arguments are checked at once. Not thread-safe.
     */
    public static final class Builder {
        private PathPatterns tokenRequired;
        private PathPatterns disabled;
        private Set<String> exemptUsers;
        private Set<String> exemptGroups;
        private PathPatterns allowlist;
        private UserDirectory directory;
        private AuditSink audit;
        private Clock clock;

        private Builder() {
        }

        /**
         * These paths need a token: a password there is refused ({@link PasswordRefusal#PASSWORD_AUTH_DISABLED}),
         * exempt or not.
         *
         * @param pathPatterns servlet URL patterns where only tokens are accepted
         * @return this builder
         * @throws IllegalArgumentException if a pattern is not a servlet URL pattern
         * @throws IllegalStateException    if already set
         */
        public Builder requireTokenFor(String... pathPatterns) {
            SetOnce.check(tokenRequired, "requireTokenFor");
            this.tokenRequired = PathPatterns.compile("requireTokenFor", List.of(pathPatterns));
            return this;
        }

        /**
         * Refuse passwords on these paths ({@link PasswordRefusal#PASSWORD_AUTH_DISABLED}), except from exempt users.
         *
         * @param pathPatterns servlet URL patterns where passwords are refused
         * @return this builder
         * @throws IllegalArgumentException if a pattern is not a servlet URL pattern
         * @throws IllegalStateException    if already set
         */
        public Builder disablePasswordAuthFor(String... pathPatterns) {
            SetOnce.check(disabled, "disablePasswordAuthFor");
            this.disabled = PathPatterns.compile("disablePasswordAuthFor", List.of(pathPatterns));
            return this;
        }

        /**
         * Users who may still use their password where it is disabled (break-glass administrators).
         *
         * @param users the exempt user names
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder passwordAuthExemptUsers(String... users) {
            SetOnce.check(exemptUsers, "passwordAuthExemptUsers");
            this.exemptUsers = Set.of(users);
            return this;
        }

        /**
         * Active members of these groups may still use their password where it is disabled.
         *
         * @param groups the exempt group names
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder passwordAuthExemptGroups(String... groups) {
            SetOnce.check(exemptGroups, "passwordAuthExemptGroups");
            this.exemptGroups = Set.of(groups);
            return this;
        }

        /**
         * Apply the policy's global IP allowlist ({@code globalAllowedCidrs}) to passwords on these paths: from
         * outside it, or from an address the adapter could not tell, a password is refused
         * ({@link PasswordRefusal#IP_NOT_ALLOWED}). Exempt users are not exempt from this; an empty allowlist means
         * no limit.
         *
         * @param pathPatterns servlet URL patterns where passwords must come from the allowlist
         * @return this builder
         * @throws IllegalArgumentException if a pattern is not a servlet URL pattern
         * @throws IllegalStateException    if already set
         */
        public Builder applyGlobalAllowlistToPasswordAuth(String... pathPatterns) {
            SetOnce.check(allowlist, "applyGlobalAllowlistToPasswordAuth");
            this.allowlist = PathPatterns.compile("applyGlobalAllowlistToPasswordAuth", List.of(pathPatterns));
            return this;
        }

        /**
         * The directory asked for {@link #passwordAuthExemptGroups} on every check. Default: the engine's, through
         * its directory cache ({@code directoryCacheTtl}).
         *
         * @param directory the directory to look exempt groups up in
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder userDirectory(UserDirectory directory) {
            this.directory = SetOnce.set(this.directory, directory, "userDirectory");
            return this;
        }

        /**
         * Where refusals are audited, on the request thread. Default: the engine's refusal queue
         * ({@link Latchkey#refusalAuditSink()}), written off the request thread.
         *
         * @param sink the sink for refused password requests
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder auditSink(AuditSink sink) {
            this.audit = SetOnce.set(this.audit, sink, "auditSink");
            return this;
        }

        /**
         * The clock of audit timestamps. Default: the engine's.
         *
         * @param clock the clock for audit timestamps
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder clock(Clock clock) {
            this.clock = SetOnce.set(this.clock, clock, "clock");
            return this;
        }

        /**
         * The rules (immutable and thread-safe).
         *
         * @return the rules
         * @throws IllegalStateException if exemptions were set without disabled paths
         */
        public PasswordRules build() {
            boolean hasDisabled = disabled != null && !disabled.isEmpty();
            if (!hasDisabled && ((exemptUsers != null && !exemptUsers.isEmpty())
                    || (exemptGroups != null && !exemptGroups.isEmpty()))) {
                throw new IllegalStateException("password-auth exemptions were set but disablePasswordAuthFor(...) "
                        + "was not; exemptions only matter where password authentication is disabled");
            }
            return new PasswordRules(this);
        }
    }
}
