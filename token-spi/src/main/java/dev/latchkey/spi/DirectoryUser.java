package dev.latchkey.spi;

import java.util.Objects;
import java.util.Set;

/**
 * A user as the host's directory knows them.
 *
 * <h2>Null rules</h2>
 * <ul>
 *   <li>No component is ever null; the constructor throws {@link NullPointerException} naming the component.</li>
 *   <li>Absent values have an empty form, never null: an unknown e-mail address is {@code ""}, a user in no group
 *       has an empty {@code groups} set. A directory without display names passes the user name.</li>
 *   <li>{@code groups} never contains null ({@link NullPointerException}); it is copied, so the record is
 *       immutable.</li>
 *   <li>A {@link UserDirectory} never returns null either: an unknown user is {@code Optional.empty()}, and a
 *       null name is refused with {@link NullPointerException} or answered with empty, never with a user.</li>
 * </ul>
 * {@code token-tck}'s {@code UserDirectoryContract} checks the directory's side of these rules.
 *
 * @param name        the unique user name (what tokens are owned by)
 * @param displayName a name for people
 * @param email       e-mail address (may be empty)
 * @param active      false when the account is deactivated: such a user's tokens stop working
 * @param groups      the groups the user is in (what the permission model is decided from)
 *
 * @since 0.1
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
