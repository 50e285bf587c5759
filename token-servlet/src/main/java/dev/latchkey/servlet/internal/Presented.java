package dev.latchkey.servlet.internal;

import dev.latchkey.core.Credential;

/** What a request presented, as far as Latchkey is concerned. Made by {@link CredentialResolver}. */
public sealed interface Presented {

    /** Nothing for Latchkey: no Authorization header, or a scheme the host handles (Negotiate, ...). */
    enum Nothing implements Presented {
        INSTANCE
    }

    /**
     * A token to authenticate.
     *
     * @param credential the token (and the Basic user name, if it came as a Basic password)
     * @param authType   what {@code getAuthType()} reports on success: {@code Bearer} or {@code BASIC}
     */
    record Token(Credential credential, String authType) implements Presented {
    }

    /**
     * HTTP Basic with a password that is not a token: the host's own authentication, unless password
     * authentication is disabled for the path.
     *
     * @param username the Basic user name (not verified; the host checks the password)
     */
    record Password(String username) implements Presented {
        @Override
        public String toString() {
            return "Password[username=" + username + ", password=redacted]";
        }
    }

    /**
     * Broken, ambiguous or oversized: answered with 400 {@code invalid_request}.
     *
     * @param description a safe description (never contains what was sent)
     */
    record Invalid(String description) implements Presented {
    }
}
