package dev.latchkey.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.core.TokenInfo;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small REST API shaped like Bitbucket Data Center's, at {@code /rest/api/1.0}:
 * <ul>
 *   <li>{@code GET /projects}, {@code GET /projects/{key}/repos}, {@code GET /projects/{key}/repos/{slug}}</li>
 *   <li>{@code POST /projects/{key}/repos} with {@code {"name": ...}}: creates an empty bare repository
 *       (host right: project write)</li>
 *   <li>{@code DELETE /projects/{key}/repos/{slug}} (host right: project admin)</li>
 *   <li>{@code GET /whoami}: {@code {"user", "authenticatedBy": "token"|"password", "tokenId"}}</li>
 * </ul>
 * The token's scope was enforced by the Latchkey filter with the Bitbucket request classifier; this servlet
 * checks the user's own rights ({@link HostRights}).
 */
final class BitbucketApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BitbucketApiServlet.class);

    private final transient DemoRepositories repos;
    private final transient HostRights rights;

    BitbucketApiServlet(DemoRepositories repos, HostRights rights) {
        this.repos = repos;
        this.rights = rights;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String pi = req.getPathInfo() == null ? "/" : req.getPathInfo();
        String[] seg = pi.substring(1).split("/", -1);
        String method = req.getMethod();
        if (!rights.mayRead(req)) {
            error(res, 401, "unauthorized", "Authentication required");
            return;
        }
        try {
            if (pi.equals("/whoami") && method.equals("GET")) {
                whoami(req, res);
            } else if (seg[0].equals("projects") && seg.length == 1 && method.equals("GET")) {
                projects(req, res);
            } else if (seg[0].equals("projects") && seg.length >= 3 && seg[2].equals("repos")) {
                Optional<String> key = DemoRepositories.key(seg[1]);
                if (key.isEmpty() || !repos.projectExists(key.get())) {
                    error(res, 404, "not_found", "No such project");
                } else if (seg.length == 3 && method.equals("GET")) {
                    repoList(req, res, key.get());
                } else if (seg.length == 3 && method.equals("POST")) {
                    createRepo(req, res, key.get());
                } else if (seg.length == 4) {
                    repo(req, res, key.get(), seg[3], method);
                } else {
                    error(res, 405, "method_not_allowed", "Not supported here");
                }
            } else {
                error(res, 404, "not_found", "No such resource");
            }
        } catch (RuntimeException e) {
            LOG.error("request failed: {} {}", method, pi, e);
            error(res, 500, "internal_error", "The request failed; see the demo's log");
        }
    }

    private void whoami(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Optional<TokenInfo> token = HostRights.token(req);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", req.getRemoteUser());
        body.put("authenticatedBy", token.isPresent() ? "token" : "password");
        body.put("tokenId", token.map(TokenInfo::id).orElse(null));
        token.ifPresent(t -> {
            body.put("tokenKind", t.kind().name());
            body.put("tokenLevel", t.effectiveScope().level().name());
            body.put("tokenResources", t.effectiveScope().resources());
        });
        DemoJson.write(res, 200, body);
    }

    private void projects(HttpServletRequest req, HttpServletResponse res) throws IOException {
        List<Object> values = new ArrayList<>();
        for (String key : repos.projects()) {
            values.add(project(req, key));
        }
        DemoJson.write(res, 200, paged(values));
    }

    private void repoList(HttpServletRequest req, HttpServletResponse res, String key) throws IOException {
        List<Object> values = new ArrayList<>();
        for (DemoRepositories.Repo r : repos.repos(key)) {
            values.add(repoJson(req, r));
        }
        DemoJson.write(res, 200, paged(values));
    }

    private void createRepo(HttpServletRequest req, HttpServletResponse res, String key) throws IOException {
        if (!rights.mayWrite(req)) {
            error(res, 403, "forbidden", req.getRemoteUser() + " may not create repositories in " + key);
            return;
        }
        Optional<JsonNode> body = DemoJson.readObject(req);
        JsonNode name = body.map(b -> b.get("name")).orElse(null);
        if (name == null || !name.isTextual()) {
            error(res, 400, "bad_request", "Send {\"name\": \"repository name\"}");
            return;
        }
        Optional<String> slug = DemoRepositories.slugFromName(name.asText());
        if (slug.isEmpty()) {
            error(res, 400, "bad_request", "The name must give a slug of 1-64 letters, digits, '.', '_' or '-'");
            return;
        }
        if (!repos.create(key, slug.get(), Optional.empty())) {
            error(res, 409, "conflict", "Repository " + key + "/" + slug.get() + " already exists");
            return;
        }
        LOG.info("{} created repository {}/{}", req.getRemoteUser(), key, slug.get());
        DemoJson.write(res, 201, repoJson(req, new DemoRepositories.Repo(key, slug.get())));
    }

    private void repo(HttpServletRequest req, HttpServletResponse res, String key, String rawSlug, String method)
            throws IOException {
        Optional<String> slug = DemoRepositories.slug(rawSlug);
        Optional<DemoRepositories.Repo> repo = slug.flatMap(s -> repos.find(key, s));
        if (repo.isEmpty()) {
            error(res, 404, "not_found", "No such repository");
            return;
        }
        if (method.equals("GET")) {
            DemoJson.write(res, 200, repoJson(req, repo.get()));
        } else if (method.equals("DELETE")) {
            if (!rights.mayAdmin(req)) {
                error(res, 403, "forbidden", req.getRemoteUser() + " may not delete repositories in " + key);
                return;
            }
            repos.delete(key, slug.get());
            LOG.info("{} deleted repository {}/{}", req.getRemoteUser(), key, slug.get());
            res.setStatus(204);
        } else {
            error(res, 405, "method_not_allowed", "Not supported here");
        }
    }

    private static Map<String, Object> paged(List<Object> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", values.size());
        m.put("limit", 25);
        m.put("isLastPage", true);
        m.put("start", 0);
        m.put("values", values);
        return m;
    }

    private static Map<String, Object> project(HttpServletRequest req, String key) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("name", key.equals("DEMO") ? "Demo" : key);
        m.put("public", false);
        m.put("type", "NORMAL");
        return m;
    }

    private static Map<String, Object> repoJson(HttpServletRequest req, DemoRepositories.Repo r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slug", r.slug());
        m.put("name", r.slug());
        m.put("scmId", "git");
        m.put("project", project(req, r.projectKey()));
        String base = req.getScheme() + "://" + req.getServerName() + ":" + req.getServerPort();
        m.put("links", Map.of("clone", List.of(Map.of("name", "http",
                "href", base + "/scm/" + r.projectKey() + "/" + r.slug() + ".git"))));
        return m;
    }

    private static void error(HttpServletResponse res, int status, String error, String message) throws IOException {
        DemoJson.write(res, status, Map.of("errors", List.of(Map.of("message", message)), "error", error));
    }
}
