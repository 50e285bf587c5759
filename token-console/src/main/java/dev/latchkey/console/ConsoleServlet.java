package dev.latchkey.console;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The token web pages — My tokens, Token manager, Audit, Policy — served from this jar as static assets over
 * the token REST API. Mount it at a path of its own, e.g. {@code /latchkey/*}:
 *
 * <pre>{@code
 * ctx.addServlet(new ServletHolder(ConsoleServlet.builder()
 *         .apiPath("/rest/latchkey/1.0")     // where TokenRestServlet is mounted (context-relative)
 *         .loginUrl("/login")                // the host's sign-in page (optional)
 *         .build()), "/latchkey/*");
 * }</pre>
 *
 * In {@code web.xml}, use the no-argument constructor with the init parameters {@code apiPath} and
 * {@code loginUrl}.
 *
 * <p>The pages authenticate with the host's own login (session cookie or whatever the host uses), never with a
 * token, and send JSON bodies so the REST API's content-type CSRF defence applies. Every answer carries a strict
 * Content Security Policy ({@code default-src 'self'}, no inline script or style, {@code frame-ancestors
 * 'none'}); pages are {@code Cache-Control: no-store}. Assets live under a path holding a digest of their
 * content, so they may be cached for ever and a new version is never mixed with an old one. Only the assets
 * listed in this class are served; any other path is 404.
 *
 * <p>Immutable once built and thread-safe.
 */
public final class ConsoleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The Content-Security-Policy of every answer. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private static final String ROOT = "/dev/latchkey/console/";
    /** Page path (servlet-relative) to page id; the shell's JavaScript renders the page by id. */
    private static final Map<String, String> PAGES = Map.of("/", "mine", "/manager", "manager",
            "/audit", "audit", "/policy", "policy");
    /** Every asset that is served, with its content type; nothing else under the jar is reachable. */
    private static final Map<String, String> ASSETS = assets();
    private static final Map<String, byte[]> CONTENT = load();
    /** The digest of all assets: part of their URL, so a cached asset is always the one the page expects. */
    public static final String VERSION = version();
    private static final String SHELL = new String(read("shell.html"), StandardCharsets.UTF_8);

    /** Where the token REST API is mounted, relative to the context path; from the builder or an init parameter. */
    private String apiPath;
    /** The host's sign-in page, relative to the context path; empty when there is none. */
    private String loginUrl;

    /** For {@code web.xml}: reads the init parameters {@code apiPath} (required) and {@code loginUrl}. */
    public ConsoleServlet() {
    }

    private ConsoleServlet(Builder b) {
        this.apiPath = b.apiPath;
        this.loginUrl = b.loginUrl;
    }

    /**
     * Starts a builder.
     *
     * @return a builder with no option set
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link ConsoleServlet}; each option may be set once. */
    public static final class Builder {
        private String apiPath;
        private String loginUrl = "";

        private Builder() {
        }

        /**
         * Where the token REST API is mounted, relative to the context path, e.g. {@code /rest/latchkey/1.0}.
         *
         * @param path the API's path, e.g. {@code /rest/latchkey/1.0}
         * @return this builder
         * @throws IllegalArgumentException when it does not start with {@code /} or holds characters other than
         *                                  letters, digits and {@code /._-}
         * @throws IllegalStateException    when set twice
         */
        public Builder apiPath(String path) {
            if (apiPath != null) {
                throw new IllegalStateException("apiPath was already set");
            }
            apiPath = checkPath("apiPath", path);
            return this;
        }

        /**
         * The host's sign-in page, relative to the context path, e.g. {@code /login}; the pages link to it (with
         * {@code ?next=} the page) when the REST API answers 401. Without it, the pages only say to sign in.
         *
         * @param path the sign-in page's path, e.g. {@code /login}
         * @return this builder
         * @throws IllegalArgumentException like {@link #apiPath(String)}
         * @throws IllegalStateException    when set twice
         */
        public Builder loginUrl(String path) {
            if (!loginUrl.isEmpty()) {
                throw new IllegalStateException("loginUrl was already set");
            }
            loginUrl = checkPath("loginUrl", path);
            return this;
        }

        /**
         * Builds the servlet.
         *
         * @return the servlet, to be mounted by the host
         * @throws IllegalStateException when {@link #apiPath(String)} was not set
         */
        public ConsoleServlet build() {
            if (apiPath == null) {
                throw new IllegalStateException("apiPath is required: where TokenRestServlet is mounted, "
                        + "e.g. /rest/latchkey/1.0");
            }
            return new ConsoleServlet(this);
        }
    }

    static String checkPath(String name, String path) {
        Objects.requireNonNull(path, name);
        // the value is written into the page; a narrow alphabet keeps it inert in HTML and in URLs
        if (!path.matches("/[A-Za-z0-9/._-]*") || path.contains("//") || path.contains("..")) {
            throw new IllegalArgumentException(name + " must be a context-relative path such as /rest/latchkey/1.0 "
                    + "(letters, digits and /._- only), was '" + path.replaceAll("[^\\x20-\\x7e]", "?") + "'");
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        if (apiPath == null) {
            String api = config.getInitParameter("apiPath");
            if (api == null) {
                throw new ServletException("ConsoleServlet needs the init parameter apiPath (where the token REST "
                        + "API is mounted, e.g. /rest/latchkey/1.0)");
            }
            apiPath = checkPath("apiPath", api);
            String login = config.getInitParameter("loginUrl");
            loginUrl = login == null || login.isEmpty() ? "" : checkPath("loginUrl", login);
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
        securityHeaders(res);
        String m = req.getMethod();
        if (!m.equals("GET") && !m.equals("HEAD")) {
            res.setHeader("Allow", "GET, HEAD");
            plain(res, 405, "The console pages are read with GET.");
            return;
        }
        super.service(req, res);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String path = req.getPathInfo();
        String base = req.getContextPath() + req.getServletPath();
        if (path == null || path.isEmpty()) {
            res.setHeader("Cache-Control", "no-store");
            res.sendRedirect(base + "/");
            return;
        }
        String page = PAGES.get(path);
        if (page != null) {
            shell(req, res, base, page);
            return;
        }
        Optional<String> asset = asset(path);
        if (asset.isPresent()) {
            byte[] body = CONTENT.get(asset.get());
            res.setStatus(200);
            res.setContentType(ASSETS.get(asset.get()));
            // the URL holds the content digest: a changed asset has a new URL
            res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
            res.setContentLength(body.length);
            if (!req.getMethod().equals("HEAD")) {
                res.getOutputStream().write(body);
            }
            return;
        }
        plain(res, 404, "No such page. The token pages are at " + base + "/");
    }

    /** The asset name for {@code /assets/VERSION/name}, only for a listed asset of this version. */
    static Optional<String> asset(String path) {
        String prefix = "/assets/" + VERSION + "/";
        if (!path.startsWith(prefix)) {
            return Optional.empty();
        }
        String name = path.substring(prefix.length());
        return ASSETS.containsKey(name) ? Optional.of(name) : Optional.empty();
    }

    private void shell(HttpServletRequest req, HttpServletResponse res, String base, String page) throws IOException {
        String ctx = req.getContextPath();
        String html = SHELL
                .replace("{{assets}}", html(base + "/assets/" + VERSION))
                .replace("{{base}}", html(base))
                .replace("{{api}}", html(ctx + apiPath))
                .replace("{{login}}", html(loginUrl.isEmpty() ? "" : ctx + loginUrl))
                .replace("{{page}}", page);
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        res.setStatus(200);
        res.setContentType("text/html;charset=UTF-8");
        // a page shows secrets (once); never keep it in any cache
        res.setHeader("Cache-Control", "no-store");
        res.setContentLength(body.length);
        if (!req.getMethod().equals("HEAD")) {
            res.getOutputStream().write(body);
        }
    }

    private static void securityHeaders(HttpServletResponse res) {
        res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("X-Frame-Options", "DENY");
        res.setHeader("Referrer-Policy", "no-referrer");
        res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    }

    private static void plain(HttpServletResponse res, int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("text/plain;charset=UTF-8");
        res.setHeader("Cache-Control", "no-store");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static Map<String, String> assets() {
        Map<String, String> m = new LinkedHashMap<>();
        String js = "text/javascript;charset=UTF-8";
        m.put("console.css", "text/css;charset=UTF-8");
        m.put("strings.en.json", "application/json;charset=UTF-8");
        for (String s : new String[] {"app.js", "api.js", "ui.js", "strings.js", "tokenform.js", "mine.js",
                "manager.js", "audit.js", "policy.js"}) {
            m.put(s, js);
        }
        return Map.copyOf(m);
    }

    private static Map<String, byte[]> load() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        ASSETS.keySet().stream().sorted().forEach(name -> m.put(name, read("assets/" + name)));
        return Map.copyOf(m);
    }

    private static String version() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            CONTENT.keySet().stream().sorted().forEach(name -> {
                d.update(name.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(CONTENT.get(name));
                d.update((byte) 0);
            });
            d.update(read("shell.html"));
            return HexFormat.of().formatHex(d.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsoleServlet.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("the console asset " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console asset " + name, e);
        }
    }
}
