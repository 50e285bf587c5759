package dev.latchkey.servlet.internal;

import dev.latchkey.core.TokenInfo;
import dev.latchkey.core.TokenPrincipal;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.UserDirectory;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request authenticated by a token: the host sees the token's principal as the remote user, and the credential
 * is consumed — the {@code Authorization} header is hidden from everything after the filter, so the host's own
 * Bearer or Basic authentication never sees (and never re-checks or refuses) a token Latchkey accepted.
 * {@link #isUserInRole} answers from the token owner's groups in the user directory (looked up once, on the first
 * question); a service token has no roles.
 */
public final class TokenAuthenticatedRequest extends HttpServletRequestWrapper {
    private static final Logger LOG = LoggerFactory.getLogger(TokenAuthenticatedRequest.class);
    private static final String AUTHORIZATION = "Authorization";

    private final TokenPrincipal principal;
    private final String authType;
    private final TokenInfo token;
    private final UserDirectory directory;
    private Set<String> groups; // looked up on the first isUserInRole; a request is used by one thread at a time

    public TokenAuthenticatedRequest(HttpServletRequest request, TokenPrincipal principal, String authType,
                                     TokenInfo token, UserDirectory directory) {
        super(request);
        this.principal = principal;
        this.authType = authType;
        this.token = token;
        this.directory = directory;
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

    /**
     * Whether the token's owner is in the directory group {@code role}; {@code "**"} (Servlet 6: any authenticated
     * user) is true. A service token is in no group. A directory failure answers false (fail closed).
     */
    @Override
    public boolean isUserInRole(String role) {
        if (role == null) {
            return false;
        }
        if (role.equals("**")) {
            return true;
        }
        return ownerGroups().contains(role);
    }

    private Set<String> ownerGroups() {
        Set<String> g = groups;
        if (g == null) {
            g = Set.of();
            if (token.kind() == TokenKind.PERSONAL) {
                try {
                    Optional<DirectoryUser> u = directory.findUser(token.owner());
                    if (u.isPresent() && u.get().active()) {
                        g = Set.copyOf(u.get().groups());
                    }
                } catch (RuntimeException e) {
                    LOG.warn("the user directory failed while reading the groups of a token's owner; no roles: {}",
                            e.toString());
                    return Set.of(); // not remembered: the next question asks again
                }
            }
            groups = g;
        }
        return g;
    }

    @Override
    public String getHeader(String name) {
        return AUTHORIZATION.equalsIgnoreCase(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return AUTHORIZATION.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        Enumeration<String> names = super.getHeaderNames();
        if (names == null) {
            return null;
        }
        List<String> kept = new ArrayList<>();
        while (names.hasMoreElements()) {
            String n = names.nextElement();
            if (!AUTHORIZATION.equalsIgnoreCase(n)) {
                kept.add(n);
            }
        }
        return Collections.enumeration(kept);
    }
}
