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
    public Actor {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(clientIp, "clientIp");
        if (user.isBlank()) {
            throw new IllegalArgumentException("user must not be blank");
        }
    }

    /** A user authenticated by the host's own means (password, SSO), with no client IP. */
    public static Actor user(String user) {
        return new Actor(user, false, Optional.empty());
    }

    /** A user authenticated by the host's own means, from {@code clientIp}. */
    public static Actor user(String user, String clientIp) {
        return new Actor(user, false, Optional.of(clientIp));
    }
}
