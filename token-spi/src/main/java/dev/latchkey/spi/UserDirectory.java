package dev.latchkey.spi;

import java.util.Optional;

/**
 * The host's user directory (LDAP, Crowd, Bitbucket's user service, ...), read-only.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #findUser(String)} returns the user whose name is exactly {@code name}, or empty when there
 *       is none. It never throws for an unknown user.</li>
 *   <li>Thread-safe. Answers reflect the directory's current state (the engine caches them briefly).</li>
 *   <li>A failure to reach the directory is thrown as a {@link LatchkeyException}; the engine then refuses
 *       (fail closed).</li>
 * </ul>
 *
 * @since 0.1
 */
public interface UserDirectory {
    /**
     * The user named {@code name}, if the directory knows one.
     *
     * @param name the exact user name (never null; any other text, however hostile, is just a name)
     * @return the user, or empty when there is none; never null (see {@link DirectoryUser}'s null rules)
     * @throws NullPointerException if {@code name} is null (or the directory answers empty; never a user)
     * @throws LatchkeyException    if the directory cannot be reached
     */
    Optional<DirectoryUser> findUser(String name);
}
