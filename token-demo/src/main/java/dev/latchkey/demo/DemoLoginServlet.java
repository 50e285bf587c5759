package dev.latchkey.demo;

import dev.latchkey.console.ConsoleServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The demo host's sign-in page for browsers ({@code GET/POST /login}, {@code POST /logout}): a password form that
 * starts a session, which {@link HostAuthFilter} turns into the signed-in user. The token pages use this login,
 * never a token. The session cookie is HttpOnly and SameSite=Strict, the session id changes on sign-in, and a
 * sign-in posted from another origin is refused.
 */
final class DemoLoginServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The session attribute holding the signed-in user's name. */
    static final String SESSION_USER = "dev.latchkey.demo.user";
    static final String DEFAULT_NEXT = "/latchkey/";

    private final transient DemoDirectory directory;

    DemoLoginServlet(DemoDirectory directory) {
        this.directory = directory;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (!"/login".equals(DemoJson.path(req))) {
            res.sendError(405);
            return;
        }
        page(res, 200, safeNext(req.getParameter("next")), null);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String origin = req.getHeader("Origin");
        String self = req.getScheme() + "://" + req.getServerName() + ":" + req.getServerPort();
        if (origin != null && !origin.equals(self)) {
            page(res, 403, DEFAULT_NEXT, "This sign-in came from another site and was refused.");
            return;
        }
        if ("/logout".equals(DemoJson.path(req))) {
            HttpSession s = req.getSession(false);
            if (s != null) {
                s.invalidate();
            }
            res.setHeader("Cache-Control", "no-store");
            res.sendRedirect(req.getContextPath() + "/login");
            return;
        }
        String user = req.getParameter("user");
        String password = req.getParameter("password");
        String next = safeNext(req.getParameter("next"));
        if (user == null || password == null || !directory.checkPassword(user, password)) {
            page(res, 401, next, "Wrong user name or password, or the account is deactivated.");
            return;
        }
        HttpSession old = req.getSession(false);
        if (old != null) {
            old.invalidate(); // no session fixation: a new id for the signed-in session
        }
        req.getSession(true).setAttribute(SESSION_USER, user);
        res.setHeader("Cache-Control", "no-store");
        res.sendRedirect(req.getContextPath() + next);
    }

    /** Only a local absolute path: no scheme, no host, no protocol-relative {@code //}, no backslash tricks. */
    static String safeNext(String next) {
        if (next == null || !next.matches("/[A-Za-z0-9/._-]*") || next.startsWith("//")) {
            return DEFAULT_NEXT;
        }
        return next;
    }

    private static void page(HttpServletResponse res, int status, String next, String error) throws IOException {
        String css = "/latchkey/assets/" + ConsoleServlet.VERSION + "/console.css";
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>Sign in · Latchkey demo</title><link rel=\"stylesheet\" href=\"" + css + "\"></head><body>"
                + "<header class=\"top\"><p class=\"brand\">Latchkey demo</p></header>"
                + "<main id=\"main\"><h1>Sign in</h1>"
                + "<p class=\"intro\">Demo users: alice, bob, admin (the password is the user name). THIS IS A DEMO.</p>"
                + (error == null ? "" : "<p class=\"banner error\" role=\"alert\" id=\"login-error\">" + error + "</p>")
                + "<form method=\"post\" action=\"/login\" class=\"panel\"><div class=\"grid\">"
                + "<div class=\"field\"><label for=\"user\">User name</label>"
                + "<input id=\"user\" name=\"user\" type=\"text\" autocomplete=\"username\" required></div>"
                + "<div class=\"field\"><label for=\"password\">Password</label>"
                + "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></div>"
                + "</div><input type=\"hidden\" name=\"next\" value=\"" + next + "\">"
                + "<div class=\"actions\"><button type=\"submit\" class=\"primary\">Sign in</button></div></form>"
                + "</main></body></html>\n";
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("text/html;charset=UTF-8");
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("Content-Security-Policy", ConsoleServlet.CONTENT_SECURITY_POLICY);
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}
