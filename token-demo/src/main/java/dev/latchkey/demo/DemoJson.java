package dev.latchkey.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** JSON and path helpers shared by the demo's servlets and filters. */
final class DemoJson {
    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final int MAX_BODY = 64 * 1024;

    private DemoJson() {
    }

    /** Writes {@code body} as JSON with {@code status}. */
    static void write(HttpServletResponse res, int status, Object body) throws IOException {
        if (res.isCommitted()) {
            return;
        }
        byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        res.setStatus(status);
        res.setHeader("Cache-Control", "no-store");
        res.setContentType("application/json;charset=UTF-8");
        res.setContentLength(bytes.length);
        res.getOutputStream().write(bytes);
    }

    /** The request body as a JSON object, or empty when the body is not a JSON object. */
    static Optional<JsonNode> readObject(HttpServletRequest req) throws IOException {
        try (InputStream in = req.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                return Optional.empty();
            }
            JsonNode n = MAPPER.readTree(bytes);
            return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** The context-relative path the host routes on: servlet path + path info. */
    static String path(HttpServletRequest req) {
        String sp = req.getServletPath();
        String pi = req.getPathInfo();
        String p = sp == null ? "" : sp;
        if (pi != null) {
            p = p.isEmpty() ? pi : p + pi;
        }
        return p.isEmpty() ? "/" : p;
    }
}
