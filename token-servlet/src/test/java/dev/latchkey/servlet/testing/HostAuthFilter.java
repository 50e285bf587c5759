package dev.latchkey.servlet.testing;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Map;

/**
 * The host's own authentication, faked: HTTP Basic with a password from a map, used only when no token was
 * accepted (the request has no remote user yet). A wrong password gets 401 "host". No credentials: anonymous.
 */
public final class HostAuthFilter implements Filter {
    private final Map<String, String> passwords;

    public HostAuthFilter(Map<String, String> passwords) {
        this.passwords = passwords;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        String h = req.getHeader("Authorization");
        if (req.getRemoteUser() != null || h == null || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            chain.doFilter(request, response);
            return;
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            ((HttpServletResponse) response).sendError(400, "host: bad basic");
            return;
        }
        int colon = pair.indexOf(':');
        String user = colon < 0 ? pair : pair.substring(0, colon);
        String password = colon < 0 ? "" : pair.substring(colon + 1);
        if (!password.equals(passwords.get(user))) {
            HttpServletResponse res = (HttpServletResponse) response;
            res.setStatus(401);
            res.setContentType("text/plain");
            res.getWriter().print("host: bad password");
            return;
        }
        Principal p = () -> user;
        chain.doFilter(new HttpServletRequestWrapper(req) {
            @Override
            public String getRemoteUser() {
                return user;
            }

            @Override
            public Principal getUserPrincipal() {
                return p;
            }

            @Override
            public String getAuthType() {
                return "BASIC";
            }
        }, response);
    }
}
