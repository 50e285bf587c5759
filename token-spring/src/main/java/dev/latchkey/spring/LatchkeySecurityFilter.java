package dev.latchkey.spring;

import dev.latchkey.core.ForeignBearerRule;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.TokenInfo;
import dev.latchkey.core.TokenPrincipal;
import dev.latchkey.servlet.LatchkeyAttributes;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.TokenKind;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Latchkey inside Spring Security's filter chain: runs the {@link LatchkeyFilter} (credential parsing, client IP,
 * the engine's decision, RFC 6750 refusals, password-disabled paths) and turns an accepted token into a
 * {@link LatchkeyAuthentication} in the {@code SecurityContext}.
 *
 * <ul>
 *   <li>Accepted: the request continues with the {@code Authorization} header removed (the credential is consumed,
 *       so Spring's Basic and Bearer filters never see it again); nothing is saved in a session.</li>
 *   <li>Refused: Latchkey's answer (401 {@code invalid_token}, 403 {@code insufficient_scope}, 429, 503, 400) is
 *       the response; the chain stops.</li>
 *   <li>No Latchkey credential (no header, a password, another scheme, a foreign Bearer token such as a JWT): the
 *       request continues untouched to the host's own authentication.</li>
 * </ul>
 * Made by {@link LatchkeyConfigurer}; not meant to be a bean (a servlet container would register it a second time).
 * Thread-safe.
 */
public final class LatchkeySecurityFilter extends OncePerRequestFilter {
    private static final Logger LOG = LoggerFactory.getLogger(LatchkeySecurityFilter.class);
    private static final String AUTHORIZATION = "Authorization";

    private final LatchkeyFilter latchkeyFilter;
    private final Optional<UserDetailsServiceDirectory> users;
    private final Latchkey latchkey;
    private final ForeignBearerRule foreign;
    private final DecisionListener listener;
    private final SecurityContextHolderStrategy contexts;

    /**
     * @param latchkeyFilter the configured Latchkey filter
     * @param users          the host's users, for the principal of personal tokens; empty to use the engine's
     *                       directory
     * @param latchkey       the engine (its token prefixes tell its Bearer tokens from foreign ones; its directory
     *                       gives groups when {@code users} is empty)
     * @param listener       told about each decision
     * @param contexts       where the authentication goes
     */
    public LatchkeySecurityFilter(LatchkeyFilter latchkeyFilter, Optional<UserDetailsServiceDirectory> users,
                                  Latchkey latchkey, DecisionListener listener,
                                  SecurityContextHolderStrategy contexts) {
        this.latchkeyFilter = Objects.requireNonNull(latchkeyFilter, "latchkeyFilter");
        this.users = Objects.requireNonNull(users, "users");
        this.latchkey = Objects.requireNonNull(latchkey, "latchkey");
        this.foreign = ForeignBearerRule.of(latchkey.tokenFormat());
        this.listener = Objects.requireNonNull(listener, "listener");
        this.contexts = Objects.requireNonNull(contexts, "contexts");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isForeignBearer(request)) {
            chain.doFilter(request, response); // e.g. a JWT, for the resource server
            return;
        }
        boolean[] passed = new boolean[1];
        latchkeyFilter.doFilter(request, response, (req, res) -> {
            passed[0] = true;
            HttpServletRequest next = (HttpServletRequest) req;
            if (next.getAttribute(LatchkeyAttributes.TOKEN) instanceof TokenInfo token && next != request) {
                accepted(next, (HttpServletResponse) res, chain, token);
            } else {
                chain.doFilter(req, res);
            }
        });
        if (!passed[0]) {
            listener.refused(response.getStatus());
        }
    }

    /**
     * Whether the request carries exactly one {@code Authorization} header and it is foreign by the one shared
     * {@link ForeignBearerRule} (plain {@code Bearer <value>} without this engine's prefixes, in any case). Anything
     * that might be Latchkey's (a mistyped token, an odd spelling of the scheme, several headers) goes to Latchkey,
     * which refuses what it cannot read: a broken Latchkey token never reaches another authenticator.
     */
    boolean isForeignBearer(HttpServletRequest request) {
        Enumeration<String> values = request.getHeaders(AUTHORIZATION);
        if (values == null || !values.hasMoreElements()) {
            return false;
        }
        String value = values.nextElement();
        if (values.hasMoreElements() || value == null) {
            return false;
        }
        return foreign.isForeign(value);
    }

    private void accepted(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                          TokenInfo token) throws IOException, ServletException {
        LatchkeyAuthentication authentication;
        try {
            authentication = authenticationFor(token);
        } catch (RuntimeException e) {
            // the owner vanished between the engine's check and ours, or the directory failed: fail closed
            LOG.debug("token {} accepted by the engine but its owner could not be loaded: {}", token.id(),
                    e.toString());
            listener.refused(HttpServletResponse.SC_UNAUTHORIZED);
            latchkeyFilter.refuse(response, RefusalReason.OWNER_INACTIVE); // the filter's own answer, realm and all
            return;
        }
        listener.allowed(token);
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(authentication);
        contexts.setContext(context);
        chain.doFilter(request, response); // LatchkeyFilter's wrapper already hides the consumed Authorization header
    }

    private LatchkeyAuthentication authenticationFor(TokenInfo token) {
        String name = token.owner();
        if (token.kind() == TokenKind.SERVICE) {
            return new LatchkeyAuthentication(new TokenPrincipal(name, TokenKind.SERVICE), name, token, List.of());
        }
        if (users.isPresent()) {
            UserDetails details = users.get().findDetails(name)
                    .orElseThrow(() -> new IllegalStateException("the owner is no longer known"));
            return new LatchkeyAuthentication(details, name, token, details.getAuthorities());
        }
        DirectoryUser user = latchkey.directory().findUser(name)
                .orElseThrow(() -> new IllegalStateException("the owner is no longer known"));
        Collection<GrantedAuthority> authorities = new ArrayList<>();
        for (String g : user.groups()) {
            authorities.add(new SimpleGrantedAuthority(g));
        }
        return new LatchkeyAuthentication(user, name, token, authorities);
    }
}
