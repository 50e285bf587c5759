package dev.latchkey.spring;

import dev.latchkey.core.TokenInfo;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.TokenKind;
import java.util.Collection;
import java.util.Objects;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;

/**
 * The Spring Security {@link org.springframework.security.core.Authentication} of a request authenticated by a
 * Latchkey token.
 *
 * <p>The principal is what the host knows for the token's owner: the {@code UserDetails} from the host's
 * {@code UserDetailsService} for a personal token, or the {@link dev.latchkey.core.TokenPrincipal} of a service token
 * (named {@code service:<token name>}); the authorities are the owner's. {@link #getToken()} gives the token's
 * non-secret facts (id, kind, effective scope). The credential is never kept ({@link #getCredentials()} is null).
 * Immutable.
 */
public final class LatchkeyAuthentication extends AbstractAuthenticationToken {
    private static final long serialVersionUID = 1L;

    private final transient Object principal;
    private final String name;
    private final transient TokenInfo token;

    /**
     * @param principal   the owner as the host knows it (UserDetails, directory user or the token principal)
     * @param name        the principal name the host sees ({@code getRemoteUser()})
     * @param token       the token's non-secret facts
     * @param authorities the owner's authorities
     */
    public LatchkeyAuthentication(Object principal, String name, TokenInfo token,
                                  Collection<? extends GrantedAuthority> authorities) {
        super(authorities);
        this.principal = Objects.requireNonNull(principal, "principal");
        this.name = Objects.requireNonNull(name, "name");
        this.token = Objects.requireNonNull(token, "token");
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return principal;
    }

    @Override
    public String getName() {
        return name;
    }

    /** The token's non-secret facts: id, kind, name, owner, effective scope, expiry. */
    public TokenInfo getToken() {
        return token;
    }

    /** The highest level the token grants for this request (its effective scope). */
    public AccessLevel getLevel() {
        return token.effectiveScope().level();
    }

    /** Whether the request acts as a service token's own principal rather than as a user. */
    public boolean isServiceToken() {
        return token.kind() == TokenKind.SERVICE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatchkeyAuthentication other && super.equals(o) && token.equals(other.token)
                && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + token.hashCode();
    }

    @Override
    public String toString() {
        return "LatchkeyAuthentication[name=" + name + ", token=" + token.id() + ", kind=" + token.kind()
                + ", level=" + getLevel() + ", authorities=" + getAuthorities() + "]";
    }
}
