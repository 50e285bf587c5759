package dev.latchkey.spring;

import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.UserDirectory;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * </ul>
 * Thread-safe when the service is.
 */
public final class UserDetailsServiceDirectory implements UserDirectory {
    private final UserDetailsService users;

    /** An adapter over {@code users}. */
    public UserDetailsServiceDirectory(UserDetailsService users) {
        this.users = Objects.requireNonNull(users, "users");
    }

    @Override
    public Optional<DirectoryUser> findUser(String name) {
        Objects.requireNonNull(name, "name");
        return findDetails(name).map(UserDetailsServiceDirectory::toDirectoryUser);
    }

    /**
     * The host's {@code UserDetails} named exactly {@code name}, if any (the same lookup {@link #findUser} makes).
     *
     * @throws StoreUnavailableException if the service failed otherwise than by not finding the user
     */
    public Optional<UserDetails> findDetails(String name) {
        Objects.requireNonNull(name, "name");
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
