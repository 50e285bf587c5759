package dev.latchkey.core.memory;

import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.UserDirectory;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe, mutable {@link UserDirectory} in memory, for embedded use, demos and tests. Changes
 * ({@link #put}, {@link #deactivate}, {@link #remove}) are visible to the engine within its directory cache
 * bound.
 *
 * @since 0.1
 */
public final class InMemoryUserDirectory implements UserDirectory {
    private final ConcurrentHashMap<String, DirectoryUser> users = new ConcurrentHashMap<>();

    @Override
    public Optional<DirectoryUser> findUser(String name) {
        return Optional.ofNullable(users.get(Objects.requireNonNull(name, "name")));
    }

    /**
     * Adds or replaces a user.
     *
     * @param user the user, keyed by its name
     * @return this directory
     */
    public InMemoryUserDirectory put(DirectoryUser user) {
        users.put(user.name(), user);
        return this;
    }

    /**
     * Adds or replaces an active user with the given groups.
     *
     * @param name   the user name, also used as the display name
     * @param groups the user's groups
     * @return this directory
     */
    public InMemoryUserDirectory add(String name, String... groups) {
        return put(new DirectoryUser(name, name, "", true, Set.of(groups)));
    }

    /**
     * Marks a user inactive (their tokens stop working).
     *
     * @param name the user name; an unknown name changes nothing
     */
    public void deactivate(String name) {
        users.computeIfPresent(name, (n, u) -> new DirectoryUser(u.name(), u.displayName(), u.email(), false, u.groups()));
    }

    /**
     * Replaces a user's groups.
     *
     * @param name   the user name; an unknown name changes nothing
     * @param groups the user's new groups
     */
    public void setGroups(String name, Set<String> groups) {
        users.computeIfPresent(name, (n, u) -> new DirectoryUser(u.name(), u.displayName(), u.email(), u.active(), groups));
    }

    /**
     * Removes a user.
     *
     * @param name the user name; an unknown name changes nothing
     */
    public void remove(String name) {
        users.remove(name);
    }
}
