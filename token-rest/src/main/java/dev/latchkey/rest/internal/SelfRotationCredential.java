package dev.latchkey.rest.internal;

import dev.latchkey.core.Credential;
import dev.latchkey.core.Latchkey;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.servlet.internal.AuthError;
import dev.latchkey.servlet.internal.CredentialResolver;
import dev.latchkey.servlet.internal.Presented;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * The token a self-rotation request presents (issue 14), read by the filter's own rules from the Authorization
 * header only (never the query string): Bearer, or Basic with the token as the password. Anything else is
 * answered here, as the filter would answer it.
 */
final class SelfRotationCredential {
    static final String REALM = "latchkey";
    private final CredentialResolver resolver;

    SelfRotationCredential(Latchkey latchkey) {
        this.resolver = new CredentialResolver(LatchkeyFilter.DEFAULT_MAX_AUTHORIZATION_HEADER_LENGTH, false,
                latchkey.authenticator()::looksLikeToken);
    }

    /** The presented token; empty when the answer (400 or 401) was written. */
    Optional<Credential> presented(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Presented p = resolver.resolve(req.getHeaders("Authorization"), null);
        if (p instanceof Presented.Token t) {
            return Optional.of(t.credential());
        }
        if (p instanceof Presented.Invalid invalid) {
            AuthError.invalidRequest(invalid.description()).write(res, REALM);
        } else {
            AuthError.tokenMissing().write(res, REALM);
        }
        return Optional.empty();
    }
}
