package dev.latchkey.spi;

import java.util.Objects;
import java.util.Set;

/**
 * A user as the host's directory knows them.
 *
 * @param name        the unique user name (what tokens are owned by)
 * @param displayName a name for people
 * @param email       e-mail address (may be empty)
 * @param active      false when the account is deactivated: such a user's tokens stop working
 * @param groups      the groups the user is in (what the permission model is decided from)
 */
public record DirectoryUser(String name, String displayName, String email, boolean active, Set<String> groups) {
    /**
     * Checks and normalises the components; see the record description for each one's meaning.
     *
     * @param name        the unique user name (what tokens are owned by)
     * @param displayName a name for people
     * @param email       e-mail address (may be empty)
     * @param active      false when the account is deactivated: such a user's tokens stop working
     * @param groups      the groups the user is in (what the permission model is decided from)
     * @throws NullPointerException if a component is null
     */
    public DirectoryUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(email, "email");
        groups = Set.copyOf(Objects.requireNonNull(groups, "groups"));
    }
}
