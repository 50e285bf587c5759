package dev.latchkey.servlet.internal;

import dev.latchkey.core.TokenPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * A request authenticated by a token: the host sees the token's principal as the remote user. Roles are the
 * host's business, so {@link #isUserInRole} is false; the host maps the remote user to its own rights.
 */
public final class TokenAuthenticatedRequest extends HttpServletRequestWrapper {
    private final TokenPrincipal principal;
    private final String authType;

    public TokenAuthenticatedRequest(HttpServletRequest request, TokenPrincipal principal, String authType) {
        super(request);
        this.principal = principal;
        this.authType = authType;
    }

    @Override
    public String getRemoteUser() {
        return principal.getName();
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    @Override
    public String getAuthType() {
        return authType;
    }

    @Override
    public boolean isUserInRole(String role) {
        return false;
    }
}
