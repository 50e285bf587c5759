package dev.latchkey.leaks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.core.Latchkey;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What both scanner endpoints share: the failed-attempt limit per client address, a bounded body, JSON answers
 * and the audit of refused reports. Never logs or audits a reported token.
 */
public final class ReportSupport {
    public static final ObjectMapper JSON = new ObjectMapper();
    private final Latchkey latchkey;
    private final Clock clock;
    private final String reporter;
    private final int maxBodyBytes;

    public ReportSupport(Latchkey latchkey, Clock clock, String reporter, int maxBodyBytes) {
        this.latchkey = latchkey;
        this.clock = clock;
        this.reporter = reporter;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Whether the caller's address may try now; answers 429 when not. */
    public boolean admit(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<Duration> wait = latchkey.attemptLimiter().admit(req.getRemoteAddr());
        if (wait.isPresent()) {
            resp.setHeader("Retry-After", Long.toString(Math.max(1, wait.get().toSeconds())));
            error(resp, 429, "too many failed attempts from this address; retry later");
            return false;
        }
        return true;
    }

    /** Refuses an unauthenticated report: counted against the address, audited (never the body), 401. */
    public void refuse(HttpServletRequest req, HttpServletResponse resp, String why) throws IOException {
        latchkey.attemptLimiter().failed(req.getRemoteAddr());
        latchkey.refusalAuditSink().record(new AuditEvent(AuditEventType.LEAK_REPORTED, clock.instant(), reporter,
                Optional.empty(), Optional.empty(), Optional.of(req.getRemoteAddr()), AuditOutcome.FAILURE,
                Optional.of(why), Map.of("reporter", reporter)));
        error(resp, 401, why);
    }

    /** The body, or null after answering 413 when it is longer than the limit. */
    public byte[] body(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getContentLengthLong() > maxBodyBytes) {
            error(resp, 413, "the report is larger than " + maxBodyBytes + " bytes; send fewer tokens per report");
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (InputStream in = req.getInputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() + n > maxBodyBytes) {
                    error(resp, 413, "the report is larger than " + maxBodyBytes + " bytes; send fewer tokens per report");
                    return null;
                }
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    /** The reported items, or null after answering 400 naming what was wrong. */
    public JsonNode items(byte[] body, HttpServletResponse resp, int maxItems) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            error(resp, 400, "the body is not JSON; expected an array of objects");
            return null;
        }
        if (root == null || !root.isArray()) {
            error(resp, 400, "the body must be a JSON array of objects");
            return null;
        }
        if (root.size() > maxItems) {
            error(resp, 400, "the report holds " + root.size() + " items; at most " + maxItems);
            return null;
        }
        for (int i = 0; i < root.size(); i++) {
            JsonNode item = root.get(i);
            if (!item.isObject() || !item.path("token").isTextual() || item.path("token").asText().isEmpty()) {
                error(resp, 400, "item " + i + ": field 'token' must be a non-empty string");
                return null;
            }
            for (String f : new String[] {"type", "url", "source", "location"}) {
                if (item.has(f) && !item.get(f).isTextual()) {
                    error(resp, 400, "item " + i + ": field '" + f + "' must be a string");
                    return null;
                }
            }
        }
        return root;
    }

    /** Where a token was found, cut to what the audit keeps. */
    public static String where(String url, String fallback) {
        String w = url == null || url.isBlank() ? fallback : url.strip();
        return w.length() > 500 ? w.substring(0, 500) : w;
    }

    public static void json(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(JSON.writeValueAsBytes(body));
    }

    public static void error(HttpServletResponse resp, int status, String message) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("error", message);
        json(resp, status, m);
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
