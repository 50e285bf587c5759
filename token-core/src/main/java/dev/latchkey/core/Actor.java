package dev.latchkey.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Who is asking the lifecycle or policy service to do something.
 *
 * @param user                  the authenticated user name
 * @param authenticatedByToken  whether the request was authenticated by a token (then token management is
 *                              refused unless the policy allows tokens to manage tokens)
 * @param clientIp              the client IP, for the audit log
 *
 * @since 0.1
 */
public record Actor(String user, boolean authenticatedByToken, Optional<String> clientIp) {
    /**
     * Checks the fields.
     *
     * @param user                 the authenticated user name
     * @param authenticatedByToken whether the request was authenticated by a token
     * @param clientIp             the client IP, when known
     * @throws NullPointerException     if {@code user} or {@code clientIp} is null
     * @throws IllegalArgumentException if {@code user} is blank
     */
    public Actor {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(clientIp, "clientIp");
        if (user.isBlank()) {
            throw new IllegalArgumentException("user must not be blank");
        }
    }

    /**
     * A user authenticated by the host's own means (password, SSO), with no client IP.
     *
     * @param user the user name
     * @return an actor not authenticated by a token
     * @throws NullPointerException     if {@code user} is null
     * @throws IllegalArgumentException if {@code user} is blank
     */
    public static Actor user(String user) {
        return new Actor(user, false, Optional.empty());
    }

    /**
     * A user authenticated by the host's own means, from {@code clientIp}.
     *
     * @param user     the user name
     * @param clientIp the client address, for the audit log
     * @return an actor not authenticated by a token
     * @throws NullPointerException     if {@code user} or {@code clientIp} is null
     * @throws IllegalArgumentException if {@code user} is blank
     */
    public static Actor user(String user, String clientIp) {
        return new Actor(user, false, Optional.of(clientIp));
    }
}
