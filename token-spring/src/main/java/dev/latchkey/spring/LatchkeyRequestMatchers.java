package dev.latchkey.spring;

import dev.latchkey.core.TokenInfo;
import dev.latchkey.servlet.LatchkeyAttributes;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The request matchers {@link LatchkeyConfigurer} exempts from CSRF protection, public so a host that configures
 * CSRF itself can use the same ones.
 */
public final class LatchkeyRequestMatchers {
    private LatchkeyRequestMatchers() {
    }

    /**
     * Requests Latchkey authenticated with a token. A browser never attaches a token on its own (it is not a
     * cookie), so a cross-site page cannot forge such a request; Spring's resource server exempts its Bearer
     * requests for the same reason. Needs {@link LatchkeySecurityFilter} to run before the CSRF filter.
     */
    public static RequestMatcher tokenAuthenticated() {
        return request -> request.getAttribute(LatchkeyAttributes.TOKEN) instanceof TokenInfo;
    }

    /**
     * JSON requests to the token REST API: {@code Content-Type: application/json} (parameters allowed) on a path
     * under the mount. A cross-site HTML form cannot send that content type, and a script can only after a CORS
     * preflight the host must allow; the API itself answers 415 to any other body. Requests without the content
     * type (forms, {@code text/plain}, none at all) keep CSRF protection.
     */
    public static RequestMatcher restApiJson(TokenRestApiMount mount) {
        Objects.requireNonNull(mount, "mount");
        return request -> mount.covers(contextRelativePath(request)) && isJson(request.getContentType());
    }

    static boolean isJson(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return false;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return "application".equalsIgnoreCase(type.getType()) && "json".equalsIgnoreCase(type.getSubtype());
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    static String contextRelativePath(HttpServletRequest request) {
        // servlet path + path info: decoded and normalised by the container, as the servlet mapping sees it
        String sp = request.getServletPath();
        String pi = request.getPathInfo();
        String p = sp == null ? "" : sp;
        if (pi != null) {
            p = p + pi;
        }
        return p.isEmpty() ? "/" : p;
    }
}
