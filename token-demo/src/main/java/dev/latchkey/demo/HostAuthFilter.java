package dev.latchkey.demo;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The demo host's own authentication, registered after the Latchkey filter: HTTP Basic with a demo password
 * when no token authenticated the request, or the browser session started at {@code /login} (see
 * {@link DemoLoginServlet}). Requests to {@code /rest/api/*} and {@code /scm/*} must be
 * authenticated one way or the other; without credentials they get 401 with a Basic challenge (so git asks
 * for a user name and a token).
 */
final class HostAuthFilter implements Filter {
    /** Request attribute set to {@code Boolean.TRUE} when the host's password authentication was used. */
    static final String PASSWORD_AUTH = "dev.latchkey.demo.passwordAuth";

    private static final List<String> PROTECTED = List.of("/rest/api/", "/scm/");
    private final DemoDirectory directory;
    private final String realm;

    HostAuthFilter(DemoDirectory directory, String realm) {
        this.directory = directory;
        this.realm = realm;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        if ("XMLHttpRequest".equals(req.getHeader("X-Requested-With"))) {
            // a page's script (the token pages): a Basic challenge would pop up the browser's password dialog
            // over the page, which shows its own "sign in" link instead
            res = new NoChallengeResponse(res);
        }
        if (req.getRemoteUser() != null) {
            chain.doFilter(req, res); // a token was accepted
            return;
        }
        String basic = null;
        for (String h : Collections.list(req.getHeaders("Authorization"))) {
            if (h.regionMatches(true, 0, "Basic ", 0, 6)) {
                basic = h.substring(6).strip();
            }
        }
        if (basic != null) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(basic), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                challenge(res, "bad_request", "The Basic credentials are not valid Base64");
                return;
            }
            int colon = pair.indexOf(':');
            String user = colon < 0 ? pair : pair.substring(0, colon);
            String password = colon < 0 ? "" : pair.substring(colon + 1);
            if (!directory.checkPassword(user, password)) {
                challenge(res, "unauthorized", "Wrong user name or password, or the account is deactivated");
                return;
            }
            req.setAttribute(PASSWORD_AUTH, Boolean.TRUE);
            chain.doFilter(new PasswordAuthenticatedRequest(req, user, HttpServletRequest.BASIC_AUTH), res);
            return;
        }
        HttpSession session = req.getSession(false);
        Object signedIn = session == null ? null : session.getAttribute(DemoLoginServlet.SESSION_USER);
        if (signedIn instanceof String user) {
            if (directory.activeUser(user).isPresent()) {
                chain.doFilter(new PasswordAuthenticatedRequest(req, user, HttpServletRequest.FORM_AUTH), res);
                return;
            }
            session.invalidate(); // deactivated since signing in
        }
        String path = DemoJson.path(req);
        for (String prefix : PROTECTED) {
            if (path.startsWith(prefix)) {
                challenge(res, "unauthorized", "Authentication required: use an API token (as a Bearer token, or "
                        + "as the password of Basic authentication). Create one at /rest/latchkey/1.0/tokens");
                return;
            }
        }
        chain.doFilter(req, res);
    }

    private void challenge(HttpServletResponse res, String error, String message) throws IOException {
        res.setHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
        res.addHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\"");
        DemoJson.write(res, 401, Map.of("error", error, "message", message));
    }

    /** Drops {@code WWW-Authenticate}; the status and body still say 401. */
    private static final class NoChallengeResponse extends HttpServletResponseWrapper {
        NoChallengeResponse(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setHeader(String name, String value) {
            if (!"WWW-Authenticate".equalsIgnoreCase(name)) {
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (!"WWW-Authenticate".equalsIgnoreCase(name)) {
                super.addHeader(name, value);
            }
        }
    }

    private static final class PasswordAuthenticatedRequest extends HttpServletRequestWrapper {
        private final String user;
        private final Principal principal;
        private final String authType;

        PasswordAuthenticatedRequest(HttpServletRequest request, String user, String authType) {
            super(request);
            this.user = user;
            this.authType = authType;
            this.principal = () -> user;
        }

        @Override
        public String getRemoteUser() {
            return user;
        }

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getAuthType() {
            return authType;
        }
    }
}
