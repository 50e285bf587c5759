package dev.latchkey.core;

import java.util.Objects;
import java.util.Optional;

/**
 * A token presented with a request: as a Bearer token, or as the password of HTTP Basic (with the user name
 * that came with it). The token text is a secret, so {@link #toString()} is redacted.
 *
 * @since 0.1
 */
public final class Credential {
    private final String token;
    private final Optional<String> basicUsername;

    private Credential(String token, Optional<String> basicUsername) {
        this.token = Objects.requireNonNull(token, "token");
        this.basicUsername = basicUsername;
    }

    /**
     * A token sent as {@code Authorization: Bearer <token>}.
     *
     * @param token the token text after {@code Bearer }
     * @return the credential
     * @throws NullPointerException if {@code token} is null
     */
    public static Credential bearer(String token) {
        return new Credential(token, Optional.empty());
    }

    /**
     * A token sent as the password of {@code Authorization: Basic}, with the user name that came with it.
     *
     * @param username the Basic user name
     * @param token    the Basic password
     * @return the credential
     * @throws NullPointerException if an argument is null
     */
    public static Credential basic(String username, String token) {
        return new Credential(token, Optional.of(Objects.requireNonNull(username, "username")));
    }

    /**
     * The presented token text (a secret; may be garbage).
     *
     * @return the token text, exactly as presented
     */
    public String token() {
        return token;
    }

    /**
     * The Basic user name, when the token came as a Basic password.
     *
     * @return the Basic user name, or empty for a Bearer token
     */
    public Optional<String> basicUsername() {
        return basicUsername;
    }

    @Override
    public String toString() {
        // the user name is left out too: clients swap the fields often enough that it may be a token
        return basicUsername.isPresent() ? "Credential[basic, user=redacted, token=redacted]"
                : "Credential[bearer, token=redacted]";
    }
}
