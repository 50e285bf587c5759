package dev.latchkey.demo;

import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.UserDirectory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo host's user directory: the users of {@link DemoConfig}, with their plain demo passwords, held in
 * memory and changeable at run time ({@link #setActive}). The engine sees changes within its directory cache
 * time. Thread-safe.
 */
public final class DemoDirectory implements UserDirectory {
    private final ConcurrentHashMap<String, DemoConfig.DemoUser> users = new ConcurrentHashMap<>();

    /** A directory holding {@code users}. */
    public DemoDirectory(Collection<DemoConfig.DemoUser> users) {
        for (DemoConfig.DemoUser u : users) {
            this.users.put(u.name(), u);
        }
    }

    @Override
    public Optional<DirectoryUser> findUser(String name) {
        DemoConfig.DemoUser u = users.get(Objects.requireNonNull(name, "name"));
        return u == null ? Optional.empty()
                : Optional.of(new DirectoryUser(u.name(), u.name(), u.name() + "@demo.invalid", u.active(), u.groups()));
    }

    /**
     * Whether {@code password} is the password of the active user {@code name}. Compared in constant time;
     * an unknown user costs the same comparison.
     */
    public boolean checkPassword(String name, String password) {
        DemoConfig.DemoUser u = users.get(name);
        byte[] expected = (u == null ? "\0no-such-user" : u.password()).getBytes(StandardCharsets.UTF_8);
        boolean match = MessageDigest.isEqual(expected, password.getBytes(StandardCharsets.UTF_8));
        return u != null && u.active() && match;
    }

    /** Activates or deactivates a user (their password and their tokens stop or start working). */
    public void setActive(String name, boolean active) {
        DemoConfig.DemoUser previous = users.computeIfPresent(name,
                (n, u) -> new DemoConfig.DemoUser(u.name(), u.password(), u.groups(), active));
        if (previous == null) {
            throw new IllegalArgumentException("no demo user named '" + name + "'");
        }
    }

    /** Replaces a user's groups (what the token permission model is decided from). */
    public void setGroups(String name, java.util.Set<String> groups) {
        DemoConfig.DemoUser previous = users.computeIfPresent(name,
                (n, u) -> new DemoConfig.DemoUser(u.name(), u.password(), groups, u.active()));
        if (previous == null) {
            throw new IllegalArgumentException("no demo user named '" + name + "'");
        }
    }

    /** The active user {@code name}, if any. */
    public Optional<DemoConfig.DemoUser> activeUser(String name) {
        DemoConfig.DemoUser u = users.get(name);
        return u != null && u.active() ? Optional.of(u) : Optional.empty();
    }

    /** A snapshot of all users by name. */
    public Map<String, DemoConfig.DemoUser> snapshot() {
        return Map.copyOf(users);
    }
}
