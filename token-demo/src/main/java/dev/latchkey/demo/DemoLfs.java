package dev.latchkey.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Git LFS for the demo's repositories at {@code /scm/{KEY}/{slug}.git/info/lfs/}: the batch API, the basic
 * transfer adapter (GET and PUT of {@code objects/{oid}}) and an empty locks API
 * (<a href="https://github.com/git-lfs/git-lfs/tree/main/docs/api">Git LFS API</a>). Objects live on disk in
 * the bare repository, under {@code lfs/objects/}, checked against their SHA-256 on upload. By the time a
 * request gets here the Latchkey filter has checked the token (batch download READ, upload WRITE; object PUT
 * WRITE) and the host filter has authenticated the user; this filter adds the host's own rights.
 */
final class DemoLfs implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(DemoLfs.class);
    private static final Pattern PATH = Pattern.compile("/scm/([^/]+)/([^/]+)\\.git/info/lfs/(.+)");
    private static final Pattern OID = Pattern.compile("[0-9a-f]{64}");
    private static final String LFS_JSON = "application/vnd.git-lfs+json";
    private static final long MAX_OBJECT = 256L * 1024 * 1024;

    private final DemoRepositories repos;
    private final HostRights rights;
    private final ObjectMapper json = new ObjectMapper();

    DemoLfs(DemoRepositories repos, HostRights rights) {
        this.repos = repos;
        this.rights = rights;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            chain.doFilter(request, response);
            return;
        }
        Optional<String> key = DemoRepositories.key(m.group(1));
        Optional<String> slug = DemoRepositories.slug(m.group(2));
        if (key.isEmpty() || slug.isEmpty() || repos.find(key.get(), slug.get()).isEmpty()) {
            error(res, 404, "repository not found");
            return;
        }
        Path store = repos.dir(key.get(), slug.get()).resolve("lfs").resolve("objects");
        String rest = m.group(3);
        String base = req.getRequestURL().toString();
        base = base.substring(0, base.length() - rest.length());
        switch (req.getMethod() + " " + rest) {
            case "POST objects/batch" -> batch(req, res, store, base);
            case "POST locks/verify" -> {
                if (!rights.mayWrite(req)) {
                    error(res, 403, "you may not push to this repository");
                    return;
                }
                ObjectNode none = json.createObjectNode();
                none.putArray("ours");
                none.putArray("theirs");
                send(res, 200, none);
            }
            case "GET locks" -> {
                if (!rights.mayRead(req)) {
                    error(res, 403, "you may not read this repository");
                    return;
                }
                ObjectNode none = json.createObjectNode();
                none.putArray("locks");
                send(res, 200, none);
            }
            default -> {
                if (rest.startsWith("objects/") && OID.matcher(rest.substring(8)).matches()) {
                    object(req, res, store, rest.substring(8));
                } else {
                    error(res, 404, "not a Git LFS endpoint");
                }
            }
        }
    }

    private void batch(HttpServletRequest req, HttpServletResponse res, Path store, String base) throws IOException {
        JsonNode body;
        try {
            body = json.readTree(req.getInputStream());
        } catch (IOException e) {
            error(res, 422, "the batch request is not JSON");
            return;
        }
        String op = body == null ? "" : body.path("operation").asText("");
        boolean upload = op.equals("upload");
        if (!upload && !op.equals("download")) {
            error(res, 422, "operation must be download or upload");
            return;
        }
        if (upload ? !rights.mayWrite(req) : !rights.mayRead(req)) {
            error(res, 403, upload ? "you may not push to this repository" : "you may not read this repository");
            return;
        }
        ObjectNode out = json.createObjectNode();
        out.put("transfer", "basic");
        ArrayNode objects = out.putArray("objects");
        for (JsonNode o : body.path("objects")) {
            String oid = o.path("oid").asText("");
            long size = o.path("size").asLong(-1);
            ObjectNode r = objects.addObject();
            r.put("oid", oid);
            r.put("size", size);
            if (!OID.matcher(oid).matches() || size < 0 || size > MAX_OBJECT) {
                r.putObject("error").put("code", 422).put("message", "invalid oid or size");
                continue;
            }
            boolean present = Files.isRegularFile(file(store, oid));
            r.put("authenticated", true);
            if (upload) {
                if (!present) {
                    r.putObject("actions").putObject("upload").put("href", base + "objects/" + oid);
                }
            } else if (present) {
                r.putObject("actions").putObject("download").put("href", base + "objects/" + oid);
            } else {
                r.putObject("error").put("code", 404).put("message", "object not found");
            }
        }
        send(res, 200, out);
    }

    private void object(HttpServletRequest req, HttpServletResponse res, Path store, String oid) throws IOException {
        Path file = file(store, oid);
        if (req.getMethod().equals("GET")) {
            if (!rights.mayRead(req)) {
                error(res, 403, "you may not read this repository");
            } else if (!Files.isRegularFile(file)) {
                error(res, 404, "object not found");
            } else {
                res.setContentType("application/octet-stream");
                res.setContentLengthLong(Files.size(file));
                try (OutputStream os = res.getOutputStream()) {
                    Files.copy(file, os);
                }
            }
            return;
        }
        if (!req.getMethod().equals("PUT")) {
            error(res, 405, "GET or PUT");
            return;
        }
        if (!rights.mayWrite(req)) {
            error(res, 403, "you may not push to this repository");
            return;
        }
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "upload-", ".tmp");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long n;
            try (InputStream in = new DigestInputStream(req.getInputStream(), sha)) {
                n = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            if (n > MAX_OBJECT || !HexFormat.of().formatHex(sha.digest()).equals(oid)) {
                error(res, 422, "the content does not match the oid");
                return;
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("stored LFS object {} ({} bytes) for {}", oid, n, req.getRemoteUser());
            res.setStatus(200);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path file(Path store, String oid) {
        return store.resolve(oid.substring(0, 2)).resolve(oid);
    }

    private void send(HttpServletResponse res, int status, JsonNode body) throws IOException {
        res.setStatus(status);
        res.setContentType(LFS_JSON);
        res.getOutputStream().write(json.writeValueAsBytes(body));
    }

    private void error(HttpServletResponse res, int status, String message) throws IOException {
        send(res, status, json.createObjectNode().put("message", message));
    }
}
