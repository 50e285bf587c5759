package dev.latchkey.rest;

import dev.latchkey.core.Latchkey;
import dev.latchkey.rest.internal.TokenApi;
import dev.latchkey.servlet.ClientIpResolver;
import dev.latchkey.servlet.LatchkeyFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * Serves {@code POST /tokens/self/rotate} of the token REST API (issue 14): a token rotates itself, authenticated
 * by the token in the Authorization header alone, and answers as {@code POST /tokens/{id}/rotate} does (201 with
 * the new secret, once). Map it on exactly that path and <em>before</em> {@link LatchkeyFilter}: the Latchkey
 * filter would refuse a rotated-away secret before the engine's reuse detection saw it, and would ask the
 * request's scope of a token whose rotation touches no resource. It never passes the request on.
 *
 * <pre>{@code
 * ctx.addFilter(new FilterHolder(SelfRotationFilter.create(latchkey, ipResolver)),
 *         "/rest/latchkey/1.0/tokens/self/rotate", EnumSet.of(DispatcherType.REQUEST));
 * ctx.addFilter(new FilterHolder(latchkeyFilter), "/*", EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * Whether a token may rotate itself is the policy's {@code selfRotation} setting (off by default). Immutable and
 * thread-safe.
 *
 * @since 0.1
 */
public final class SelfRotationFilter implements Filter {
    private final TokenApi api;

    private SelfRotationFilter(TokenApi api) {
        this.api = api;
    }

    /**
     * A filter for {@code latchkey}, finding client addresses (for the token's CIDRs, the policy's allowlist and the
     * failed-attempt limit) with {@code clientIpResolver}, as the Latchkey filter does.
     *
     * @param latchkey         the engine that rotates the token
     * @param clientIpResolver the resolver for the client's address
     * @return the filter
     * @throws NullPointerException if an argument is null
     */
    public static SelfRotationFilter create(Latchkey latchkey, ClientIpResolver clientIpResolver) {
        Objects.requireNonNull(latchkey, "latchkey");
        Objects.requireNonNull(clientIpResolver, "clientIpResolver");
        return new SelfRotationFilter(TokenRestServlet.builder(latchkey).clientIpResolver(clientIpResolver).api());
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest) || !(response instanceof HttpServletResponse)) {
            chain.doFilter(request, response);
            return;
        }
        api.handleSelfRotation((HttpServletRequest) request, (HttpServletResponse) response);
    }
}
