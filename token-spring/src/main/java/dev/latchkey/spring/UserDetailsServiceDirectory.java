package dev.latchkey.spring;

import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.UserDirectory;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * A Latchkey {@link UserDirectory} over the host's Spring Security {@link UserDetailsService}.
 *
 * <ul>
 *   <li>Names are exact: many {@code UserDetailsService}s (Spring's in-memory manager, most SQL collations) find
 *       {@code Alice} when asked for {@code alice}; this adapter answers only when the found user's name is exactly
 *       the one asked for, so a token owned by {@code alice} is never another spelling's.</li>
 *   <li>The user is active when enabled, not locked and not expired (expired credentials do not matter: a token
 *       is not the password).</li>
 *   <li>The groups are the user's authority names as they are (e.g. {@code ROLE_ADMIN}); policy group rules name
 *       them that way.</li>
 *   <li>{@link UsernameNotFoundException} is "no such user"; any other failure is thrown as a
 *       {@link StoreUnavailableException}, so the engine refuses (fail closed).</li>
 *   <li>The engine asks {@link #findUser} and caches the answer itself (its {@code directoryCacheTtl}, bypassed while
 *       its caches are not trusted), so {@code findUser} always asks the service. What it found is kept for
 *       {@link #findDetails}, which the Spring filter asks for the principal of each request a token authenticated:
 *       it is answered from what the engine's last lookup found (at most the cache lifetime old, bounded to 10,000
 *       users), so a request costs the service no call beyond the engine's own. Use the same instance for the engine
 *       and the filter (the auto-configuration and {@link LatchkeyConfigurer} do).</li>
 * </ul>
 * Thread-safe when the service is.
 */
public final class UserDetailsServiceDirectory implements UserDirectory {
    /** The engine's default {@code directoryCacheTtl}. */
    static final Duration DEFAULT_TTL = Duration.ofSeconds(2);
    private static final int MAX_USERS = 10_000;

    private final UserDetailsService users;
    private final Cache<String, UserDetails> details; // null: nothing kept (a zero lifetime)

    /**
     * An adapter over {@code users} keeping found users for 2 s, the engine's default directory cache lifetime.
     *
     * @param users the host's users
     */
    public UserDetailsServiceDirectory(UserDetailsService users) {
        this(users, DEFAULT_TTL, Clock.systemUTC());
    }

    /**
     * An adapter over {@code users} keeping found users for {@code ttl}: use the engine's {@code directoryCacheTtl}.
     *
     * @param users the host's users
     * @param ttl   how long a found user answers {@link #findDetails}; zero keeps nothing
     * @param clock the time the lifetime is measured in
     * @throws IllegalArgumentException if {@code ttl} is negative
     */
    public UserDetailsServiceDirectory(UserDetailsService users, Duration ttl, Clock clock) {
        this.users = Objects.requireNonNull(users, "users");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
        }
        this.details = ttl.isZero() ? null : Caffeine.newBuilder().maximumSize(MAX_USERS).expireAfterWrite(ttl)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).executor(Runnable::run)
                .<String, UserDetails>build();
    }

    /** Asks the service (the engine caches the answer itself) and keeps what it found for {@link #findDetails}. */
    @Override
    public Optional<DirectoryUser> findUser(String name) {
        Objects.requireNonNull(name, "name");
        return load(name).map(UserDetailsServiceDirectory::toDirectoryUser);
    }

    /**
     * The host's {@code UserDetails} named exactly {@code name}, if any: what the last lookup of {@code name} found
     * when it is younger than the lifetime, else asked from the service. Only found users are kept.
     *
     * @param name the user name, exactly
     * @return the user, or empty when the service does not know exactly this name
     * @throws StoreUnavailableException if the service failed otherwise than by not finding the user
     */
    public Optional<UserDetails> findDetails(String name) {
        Objects.requireNonNull(name, "name");
        UserDetails kept = details != null ? details.getIfPresent(name) : null;
        return kept != null ? Optional.of(kept) : load(name);
    }

    /** Whether this adapter is over {@code service}. */
    boolean isOver(UserDetailsService service) {
        return users == service;
    }

    private Optional<UserDetails> load(String name) {
        Optional<UserDetails> found = ask(name);
        if (details != null) {
            if (found.isPresent()) {
                details.put(name, found.get());
            } else {
                details.invalidate(name);
            }
        }
        return found;
    }

    private Optional<UserDetails> ask(String name) {
        if (name.isEmpty()) {
            return Optional.empty();
        }
        UserDetails found;
        try {
            found = users.loadUserByUsername(name);
        } catch (UsernameNotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("the UserDetailsService failed: " + e.getClass().getName(), e);
        }
        if (found == null || !name.equals(found.getUsername())) {
            return Optional.empty();
        }
        return Optional.of(found);
    }

    static DirectoryUser toDirectoryUser(UserDetails u) {
        Set<String> groups = new LinkedHashSet<>();
        for (GrantedAuthority a : u.getAuthorities()) {
            String g = a.getAuthority();
            if (g != null && !g.isBlank()) {
                groups.add(g);
            }
        }
        boolean active = u.isEnabled() && u.isAccountNonLocked() && u.isAccountNonExpired();
        return new DirectoryUser(u.getUsername(), u.getUsername(), "", active, groups);
    }

    @Override
    public String toString() {
        return "UserDetailsServiceDirectory[" + users.getClass().getName() + "]";
    }
}
