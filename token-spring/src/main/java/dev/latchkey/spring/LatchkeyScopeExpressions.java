package dev.latchkey.spring;

import dev.latchkey.spi.AccessLevel;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Method-security helpers over the token of the current request, registered by the Boot auto-configuration as the
 * bean {@code latchkey}:
 *
 * <pre>{@code
 * @PreAuthorize("@latchkey.hasLevel('WRITE')")
 * public Note create(...) { ... }
 * }</pre>
 *
 * A request not authenticated by a token (form login, a JWT, a password) is not limited by these helpers beyond
 * being authenticated: the token's scope only ever narrows what its owner may do. Thread-safe.
 */
public final class LatchkeyScopeExpressions {

    /**
     * Whether the current request may act at {@code level}: a token's effective scope must include it; any other
     * authenticated request passes.
     *
     * @throws IllegalArgumentException naming {@code level} if it is not READ, WRITE or ADMIN (a typo in an
     *                                  expression must not silently grant or deny)
     */
    public boolean hasLevel(String level) {
        AccessLevel needed = parse(level);
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        if (a instanceof LatchkeyAuthentication token) {
            return token.getToken().effectiveScope().level().includes(needed);
        }
        return isAuthenticated(a);
    }

    /**
     * Whether the current request may act on the named resource: a token limited to resources must cover it; any
     * other authenticated request passes.
     */
    public boolean hasResource(String resource) {
        Objects.requireNonNull(resource, "resource");
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        if (a instanceof LatchkeyAuthentication token) {
            return token.getToken().effectiveScope().coversResource(Optional.of(resource));
        }
        return isAuthenticated(a);
    }

    /** Whether the current request was authenticated by a Latchkey token. */
    public boolean isToken() {
        return SecurityContextHolder.getContext().getAuthentication() instanceof LatchkeyAuthentication;
    }

    private static boolean isAuthenticated(Authentication a) {
        return a != null && a.isAuthenticated() && !(a instanceof AnonymousAuthenticationToken);
    }

    private static AccessLevel parse(String level) {
        Objects.requireNonNull(level, "level");
        try {
            return AccessLevel.valueOf(level.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("level '" + level + "' is not one of READ, WRITE, ADMIN", e);
        }
    }
}
