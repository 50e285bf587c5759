package dev.latchkey.rest.internal;

import dev.latchkey.core.Actor;
import dev.latchkey.core.Capabilities;
import dev.latchkey.core.ConflictException;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.PermissionDeniedException;
import dev.latchkey.core.Policy;
import dev.latchkey.core.TokenChanges;
import dev.latchkey.core.TokenNotFoundException;
import dev.latchkey.core.ValidationException;
import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.servlet.internal.AuthError;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditLog;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.AuditQuery;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token REST API behind {@link dev.latchkey.servlet.TokenRestServlet}: routing on the path info, JSON in
 * and out, and the mapping of engine exceptions to HTTP answers (one place). Thread-safe.
 */
public final class TokenApi {
    private static final Logger LOG = LoggerFactory.getLogger(TokenApi.class);
    private static final String TOKEN_ATTRIBUTE = "dev.latchkey.token";
    private static final String CLIENT_IP_ATTRIBUTE = "dev.latchkey.clientIp";
    private static final int MAX_DAYS = 36_500;
    /** How much of an oversized body is read and dropped before the 413, so the client reads the answer. */
    private static final int DRAIN_BYTES = 1 << 20;
    private static final String REALM = "latchkey";

    private static final Set<String> OWN_CREATE = Set.of("name", "level", "expiresAt", "expiresInDays",
            "allowedCidrs", "resources");
    private static final Set<String> ADMIN_CREATE = union(OWN_CREATE, Set.of("owner", "kind", "resource"));
    private static final Set<String> PATCH = Set.of("name", "level", "allowedCidrs", "resources");
    private static final Set<String> REVOKE_MATCHING = union(Params.TOKEN_FILTERS, Set.of("reason", "all"));
    private static final Set<String> PAGING = Set.of("page", "size");
    private static final Set<String> ADMIN_QUERY = union(Params.TOKEN_FILTERS, Set.of("sort", "page", "size"));
    private static final Set<String> AUDIT_QUERY = Set.of("from", "to", "actor", "tokenId", "owner", "type",
            "outcome", "page", "size");
    private static final Set<String> REASON = Set.of("reason");

    private final Latchkey latchkey;
    private final Optional<AuditLog> auditLog;
    private final Function<HttpServletRequest, String> clientIp;
    private final Clock clock;
    private final int maxBodyBytes;
    private final ObjectMapper json;
    private final SelfRotationCredential selfRotation;

    public TokenApi(Latchkey latchkey, Optional<AuditLog> auditLog, Function<HttpServletRequest, String> clientIp,
                    Clock clock, int maxBodyBytes) {
        this.latchkey = latchkey;
        this.auditLog = auditLog;
        this.clientIp = clientIp;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.json = new ObjectMapper();
        this.selfRotation = new SelfRotationCredential(latchkey);
        json.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(20)
                .maxStringLength(maxBodyBytes).build());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }

    /** Handles one request; never lets an exception escape except I/O failures writing the answer. */
    public void handle(HttpServletRequest req, HttpServletResponse res) throws IOException {
        guarded(req, res, false);
    }

    /**
     * Issue 14: {@code POST /tokens/self/rotate} alone, for {@link dev.latchkey.servlet.SelfRotationFilter}, which
     * serves it ahead of the Latchkey filter (that would refuse a rotated-away secret before reuse detection saw it).
     */
    public void handleSelfRotation(HttpServletRequest req, HttpServletResponse res) throws IOException {
        guarded(req, res, true);
    }

    private void guarded(HttpServletRequest req, HttpServletResponse res, boolean selfRotation) throws IOException {
        try {
            Params.checkQueryString(req.getQueryString());
            if (selfRotation) {
                selfRotate(req, res);
            } else {
                route(req, res);
            }
        } catch (dev.latchkey.core.TokenRefusedException e) {
            AuthError.refused(e.refusal()).write(res, SelfRotationCredential.REALM);
        } catch (ApiException e) {
            error(res, e.error());
        } catch (ValidationException e) {
            error(res, AuthError.invalid(e.getMessage(), e.field()));
        } catch (PermissionDeniedException e) {
            error(res, AuthError.forbidden(e.getMessage()));
        } catch (TokenNotFoundException e) {
            error(res, AuthError.notFound(e.getMessage()));
        } catch (ConflictException | ConcurrentUpdateException e) {
            error(res, AuthError.conflict(e.getMessage()));
        } catch (StoreUnavailableException e) {
            LOG.warn("token store unavailable: {}", e.getMessage());
            error(res, AuthError.storeUnavailable());
        } catch (IllegalArgumentException e) {
            error(res, AuthError.invalid(e.getMessage(), null));
        } catch (RuntimeException e) {
            // the path is caller text: token shapes masked, control characters escaped
            LOG.warn("unexpected failure in the token REST API on {} {}", SafeText.printable(req.getMethod()),
                    SafeText.forAudit(req.getPathInfo(), latchkey.tokenFormat()), e);
            error(res, AuthError.internal());
        }
    }

    // ------------------------------------------------------------------ routing

    private void route(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String info = req.getPathInfo();
        String path = info == null || info.isEmpty() ? "/" : info;
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String[] seg = path.substring(1).split("/", -1);
        String m = req.getMethod();
        if (seg.length == 1 && seg[0].equals("me")) {
            if (!m.equals("GET")) {
                throw notAllowed(res, "GET");
            }
            me(req, res);
            return;
        }
        if (seg.length >= 1 && seg[0].equals("tokens")) {
            if (seg.length == 1) {
                switch (m) {
                    case "GET": listOwn(req, res); return;
                    case "POST": create(req, res, false); return;
                    default: throw notAllowed(res, "GET, POST");
                }
            }
            String id = seg[1];
            if (seg.length == 2) {
                switch (m) {
                    case "GET": noParams(req); write(res, 200, record(latchkey.tokens().get(actor(req), id))); return;
                    case "PATCH": update(req, res, id); return;
                    case "DELETE": revoke(req, res, id); return;
                    default: throw notAllowed(res, "GET, PATCH, DELETE");
                }
            }
            if (seg.length == 3 && id.equals("self") && seg[2].equals("rotate")) {
                selfRotate(req, res); // issue 14; "self" is never a token id
                return;
            }
            if (seg.length == 3 && seg[2].equals("rotate")) {
                if (!m.equals("POST")) {
                    throw notAllowed(res, "POST");
                }
                rotate(req, res, id);
                return;
            }
        } else if (seg.length >= 2 && seg[0].equals("admin")) {
            String what = seg[1];
            if (what.equals("tokens")) {
                if (seg.length == 2) {
                    switch (m) {
                        case "GET": adminQuery(req, res); return;
                        case "POST": create(req, res, true); return;
                        default: throw notAllowed(res, "GET, POST");
                    }
                }
                if (seg.length == 3 && seg[2].equals("revoke")) {
                    if (!m.equals("POST")) {
                        throw notAllowed(res, "POST");
                    }
                    revokeMatching(req, res);
                    return;
                }
                if (seg.length == 3 && m.equals("POST") && (seg[2].equals("identify") || seg[2].equals("revoke-found"))) {
                    byValue(req, res, seg[2].equals("identify")); // issue 14
                    return;
                }
                if (seg.length == 3) {
                    switch (m) {
                        case "GET": noParams(req); write(res, 200, record(latchkey.tokens().get(actor(req), seg[2]))); return;
                        case "DELETE": revoke(req, res, seg[2]); return;
                        default: throw notAllowed(res, "GET, DELETE");
                    }
                }
            } else if (what.equals("policy") && seg.length == 2) {
                switch (m) {
                    case "GET": getPolicy(req, res); return;
                    case "PUT": putPolicy(req, res); return;
                    default: throw notAllowed(res, "GET, PUT");
                }
            } else if (what.equals("audit") && seg.length == 2) {
                if (!m.equals("GET")) {
                    throw notAllowed(res, "GET");
                }
                audit(req, res);
                return;
            }
        }
        throw new ApiException(AuthError.notFound("no such resource: " + SafeText.quote(path)
                + "; see the REST API documentation for the endpoints"));
    }

    private static ApiException notAllowed(HttpServletResponse res, String allow) {
        res.setHeader("Allow", allow);
        return new ApiException(AuthError.methodNotAllowed(allow));
    }

    // ------------------------------------------------------------------ who is asking

    private Actor actor(HttpServletRequest req) {
        String user = req.getRemoteUser();
        if (user == null || user.isBlank()) {
            throw new ApiException(AuthError.unauthenticated());
        }
        boolean byToken = req.getAttribute(TOKEN_ATTRIBUTE) != null;
        Object ip = req.getAttribute(CLIENT_IP_ATTRIBUTE);
        String clientIp = ip instanceof String ? (String) ip : this.clientIp.apply(req);
        return new Actor(user, byToken, Optional.of(clientIp));
    }

    /** For the read-only admin views the engine does not guard itself: the same token rule as the engine's. */
    private Capabilities adminActor(Actor actor) {
        if (actor.authenticatedByToken() && !latchkey.policy().current().tokensMayManageTokens()) {
            throw new ApiException(AuthError.forbidden(PermissionDeniedException.TOKENS_MAY_NOT_MANAGE_TOKENS));
        }
        return latchkey.tokens().capabilities(actor);
    }

    /** What the caller may do with tokens, so pages offer only that (the server still checks every request). */
    private void me(HttpServletRequest req, HttpServletResponse res) throws IOException {
        noParams(req);
        Actor actor = actor(req);
        Capabilities c = latchkey.tokens().capabilities(actor);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", actor.user());
        out.put("useTokens", c.useTokens());
        out.put("createTokens", c.createTokens());
        out.put("maxLevel", c.maxLevel().map(Enum::name).orElse(null));
        out.put("manageTokens", c.manageTokens());
        out.put("administerPolicy", c.administerPolicy());
        write(res, 200, out);
    }

    // ------------------------------------------------------------------ own tokens

    private void listOwn(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Map<String, String> p = params(req, PAGING);
        Actor actor = actor(req);
        int page = Params.page(p);
        int size = Params.size(p);
        write(res, 200, page(latchkey.tokens().listOwn(actor, page, size), this::record));
    }

    private void create(HttpServletRequest req, HttpServletResponse res, boolean admin) throws IOException {
        noParams(req);
        Actor actor = actor(req);
        JsonBody b = body(req, admin ? ADMIN_CREATE : OWN_CREATE, true);
        String name = b.requiredText("name");
        AccessLevel level = Params.level("level", b.requiredText("level"));
        NewToken.Builder spec = NewToken.builder(name, level);
        boolean service = false;
        if (admin) {
            Optional<String> kind = b.text("kind");
            if (kind.isPresent()) {
                service = Params.enumValue("kind", kind.get(), TokenKind.class) == TokenKind.SERVICE;
            }
            Optional<String> resource = b.text("resource");
            if (resource.isPresent() && kind.isPresent() && !service) {
                throw ApiException.invalid("resource", "only a SERVICE token is bound to a resource; use "
                        + "\"resources\" to limit a personal token");
            }
            if (resource.isPresent() || service) {
                if (b.has("resources")) {
                    throw ApiException.invalid("resources", "a service token is bound to its one \"resource\"");
                }
                spec.service(resource.orElseThrow(() -> ApiException.invalid("resource",
                        "a SERVICE token needs the resource it is bound to")));
            }
            b.text("owner").ifPresent(spec::owner);
        }
        b.instant("expiresAt").ifPresent(spec::expiresAt);
        Optional<Long> days = b.integer("expiresInDays");
        if (days.isPresent()) {
            if (days.get() < 1 || days.get() > MAX_DAYS) {
                throw ApiException.invalid("expiresInDays", "must be from 1 to " + MAX_DAYS);
            }
            spec.lifetime(Duration.ofDays(days.get()));
        }
        b.strings("allowedCidrs").ifPresent(spec::allowedCidrs);
        b.strings("resources").ifPresent(r -> spec.resources(new LinkedHashSet<>(r)));
        IssuedToken issued = latchkey.tokens().create(actor, spec.build());
        issuedAnswer(req, res, issued);
    }

    private void issuedAnswer(HttpServletRequest req, HttpServletResponse res, IssuedToken issued) throws IOException {
        Map<String, Object> out = record(issued.record());
        out.put("token", issued.secret().reveal());
        res.setHeader("Location", req.getContextPath() + req.getServletPath() + "/tokens/" + issued.record().id());
        write(res, 201, out);
    }

    private void update(HttpServletRequest req, HttpServletResponse res, String id) throws IOException {
        noParams(req);
        Actor actor = actor(req);
        JsonBody b = body(req, PATCH, true);
        TokenChanges changes = TokenChanges.none();
        if (b.has("name")) {
            changes = changes.withName(b.requiredText("name"));
        }
        if (b.has("level")) {
            changes = changes.withLevel(Params.level("level", b.requiredText("level")));
        }
        Optional<List<String>> cidrs = b.strings("allowedCidrs");
        if (cidrs.isPresent()) {
            changes = changes.withAllowedCidrs(cidrs.get());
        }
        Optional<List<String>> resources = b.strings("resources");
        if (resources.isPresent()) {
            changes = changes.withResources(new LinkedHashSet<>(resources.get()));
        }
        write(res, 200, record(latchkey.tokens().update(actor, id, changes)));
    }

    private void revoke(HttpServletRequest req, HttpServletResponse res, String id) throws IOException {
        Map<String, String> p = params(req, REASON);
        Actor actor = actor(req);
        latchkey.tokens().revoke(actor, id, p.getOrDefault("reason", "revoked through the REST API"));
        res.setStatus(204);
        res.setHeader("Cache-Control", "no-store");
    }

    private void rotate(HttpServletRequest req, HttpServletResponse res, String id) throws IOException {
        noParams(req);
        Actor actor = actor(req);
        body(req, Set.of(), false); // the content-type guard; no fields
        issuedAnswer(req, res, latchkey.tokens().rotate(actor, id));
    }

    /** Issue 14: the token in the Authorization header rotates itself; the answer is the rotate endpoint's. */
    private void selfRotate(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (!req.getMethod().equals("POST")) {
            throw notAllowed(res, "POST");
        }
        noParams(req);
        Optional<dev.latchkey.core.Credential> presented = selfRotation.presented(req, res);
        if (presented.isPresent()) {
            body(req, Set.of(), false); // the content-type guard; no fields
            Object ip = req.getAttribute(CLIENT_IP_ATTRIBUTE); // the Latchkey filter's, when it ran
            issuedAnswer(req, res, latchkey.tokens().rotateSelf(presented.get(),
                    ip instanceof String ? (String) ip : clientIp.apply(req)));
        }
    }

    // ------------------------------------------------------------------ token manager

    /** Issue 14: a token manager identifies, or revokes as leaked, a token found somewhere, by its value. */
    private void byValue(HttpServletRequest req, HttpServletResponse res, boolean identify) throws IOException {
        noParams(req);
        Actor actor = actor(req);
        JsonBody b = body(req, identify ? Set.of("token") : Set.of("token", "foundAt"), true);
        String token = b.requiredText("token");
        if (identify) {
            write(res, 200, record(latchkey.tokens().identify(actor, token)
                    .orElseThrow(() -> new TokenNotFoundException("(the token that was given)"))));
        } else {
            write(res, 200, record(latchkey.tokens().revokeFound(actor, token, b.requiredText("foundAt"))));
        }
    }

    private void adminQuery(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Map<String, String> p = params(req, ADMIN_QUERY);
        Actor actor = actor(req);
        TokenQuery.Builder q = TokenQuery.builder(clock.instant());
        Params.applyFilters(p, q);
        Params.applySort(p.getOrDefault("sort", "-createdAt"), q);
        q.page(Params.page(p));
        q.size(Params.size(p));
        write(res, 200, page(latchkey.tokens().query(actor, q.build()), this::record));
    }

    private void revokeMatching(HttpServletRequest req, HttpServletResponse res) throws IOException {
        noParams(req);
        Actor actor = actor(req);
        JsonBody b = body(req, REVOKE_MATCHING, true);
        Map<String, String> filters = new LinkedHashMap<>();
        for (String f : Params.TOKEN_FILTERS) {
            JsonNode v = b.raw(f);
            if (v == null || v.isNull()) {
                continue;
            }
            if (f.equals("neverUsed")) {
                filters.put(f, Boolean.toString(b.bool(f).orElseThrow()));
            } else {
                filters.put(f, b.text(f).orElseThrow());
            }
        }
        boolean all = b.bool("all").orElse(false);
        if (filters.isEmpty() && !all) {
            throw ApiException.invalid("all", "no filter was given; to revoke every active token send "
                    + "{\"all\": true}");
        }
        if (!filters.isEmpty() && all) {
            throw ApiException.invalid("all", "\"all\" cannot be combined with filters");
        }
        TokenQuery.Builder q = TokenQuery.builder(clock.instant());
        Params.applyFilters(filters, q);
        int n = latchkey.tokens().revokeMatching(actor, q.build(),
                b.text("reason").orElse("bulk revocation through the REST API"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("revoked", n);
        write(res, 200, out);
    }

    // ------------------------------------------------------------------ policy and audit

    private void getPolicy(HttpServletRequest req, HttpServletResponse res) throws IOException {
        noParams(req);
        Actor actor = actor(req);
        if (!adminActor(actor).administerPolicy()) {
            throw new ApiException(AuthError.forbidden(actor.user() + " may not administer the token policy"));
        }
        write(res, 200, new LinkedHashMap<String, Object>(latchkey.policy().current().toSettings()));
    }

    private void putPolicy(HttpServletRequest req, HttpServletResponse res) throws IOException {
        noParams(req);
        Actor actor = actor(req);
        JsonBody b = body(req, Set.copyOf(Policy.SETTINGS), true);
        Map<String, String> settings = new LinkedHashMap<>();
        Iterator<String> names = b.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            JsonNode v = b.raw(n);
            if (v.isTextual()) {
                settings.put(n, v.textValue());
            } else if (v.isBoolean() || v.isIntegralNumber()) {
                settings.put(n, v.asText());
            } else if (v.isNull()) {
                settings.put(n, "");
            } else if (v.isArray()) {
                List<String> parts = b.strings(n).orElseThrow();
                settings.put(n, String.join(",", parts));
            } else {
                throw ApiException.invalid(n, "must be a string, number, boolean or array of strings");
            }
        }
        Policy updated = latchkey.policy().update(actor, settings);
        write(res, 200, new LinkedHashMap<String, Object>(updated.toSettings()));
    }

    private void audit(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Map<String, String> p = params(req, AUDIT_QUERY);
        Actor actor = actor(req);
        Capabilities c = adminActor(actor);
        if (!c.manageTokens() && !c.administerPolicy()) {
            throw new ApiException(AuthError.forbidden("the audit log needs the token manager or policy "
                    + "administrator capability, which " + actor.user() + " does not have"));
        }
        AuditLog log = auditLog.orElseThrow(() -> new ApiException(AuthError.notImplemented("No queryable audit log "
                + "is configured: the engine's audit sink is write-only. Give TokenRestServlet an AuditLog (for "
                + "example token-jdbc's) to enable GET /admin/audit")));
        AuditQuery q = new AuditQuery(
                Optional.ofNullable(p.get("from")).map(v -> Params.instant("from", v)),
                Optional.ofNullable(p.get("to")).map(v -> Params.instant("to", v)),
                Optional.ofNullable(p.get("actor")),
                Optional.ofNullable(p.get("tokenId")),
                Optional.ofNullable(p.get("owner")),
                Optional.ofNullable(p.get("type")).map(v -> Params.enumValue("type", v, AuditEventType.class)),
                Optional.ofNullable(p.get("outcome")).map(v -> Params.enumValue("outcome", v, AuditOutcome.class)),
                Params.page(p),
                Params.size(p));
        write(res, 200, page(log.query(q), TokenApi::event));
    }

    // ------------------------------------------------------------------ JSON shapes

    /** A token record as JSON; never the digest. */
    Map<String, Object> record(TokenRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("name", r.name());
        m.put("kind", r.kind().name());
        m.put("owner", r.owner());
        m.put("createdBy", r.createdBy());
        m.put("createdAt", r.createdAt().toString());
        m.put("expiresAt", r.expiresAt().map(Instant::toString).orElse(null));
        m.put("revokedAt", r.revocation().map(v -> v.at().toString()).orElse(null));
        m.put("revokedBy", r.revocation().map(v -> v.by()).orElse(null));
        m.put("lastUsedAt", r.lastUse().map(u -> u.at().toString()).orElse(null));
        m.put("lastUsedIp", r.lastUse().map(u -> u.clientIp()).orElse(null));
        m.put("level", r.scope().level().name());
        m.put("resources", new ArrayList<>(new TreeSet<>(r.scope().resources())));
        m.put("allowedCidrs", r.allowedCidrs());
        m.put("hint", r.hint());
        m.put("state", r.state(clock.instant()).name());
        return m;
    }

    private static Map<String, Object> event(AuditEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", e.type().name());
        m.put("at", e.at().toString());
        m.put("actor", e.actor());
        m.put("tokenId", e.tokenId().orElse(null));
        m.put("tokenOwner", e.tokenOwner().orElse(null));
        m.put("clientIp", e.clientIp().orElse(null));
        m.put("outcome", e.outcome().name());
        m.put("reason", e.reason().orElse(null));
        m.put("details", e.details());
        return m;
    }

    private static <T> Map<String, Object> page(Page<T> p, Function<T, Map<String, Object>> row) {
        List<Map<String, Object>> items = new ArrayList<>(p.items().size());
        for (T t : p.items()) {
            items.add(row.apply(t));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", items);
        m.put("page", p.page());
        m.put("size", p.size());
        m.put("total", p.total());
        return m;
    }

    // ------------------------------------------------------------------ request and response plumbing

    /** The query parameters, each at most once and all of them known. */
    private static Map<String, String> params(HttpServletRequest req, Set<String> allowed) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String[]> parameters;
        try {
            parameters = req.getParameterMap();
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            // the container could not parse the query string (or a form body): the caller's fault, not ours
            throw ApiException.invalid("query", "the query string cannot be parsed");
        }
        for (Map.Entry<String, String[]> e : parameters.entrySet()) {
            String k = e.getKey();
            if (!allowed.contains(k)) {
                throw ApiException.invalid(SafeText.printable(k.length() > 64 ? k.substring(0, 64) + "…" : k), allowed.isEmpty() ? "this endpoint takes no query "
                        + "parameters" : "unknown query parameter; accepted ones are " + new TreeSet<>(allowed));
            }
            if (e.getValue().length != 1) {
                throw ApiException.invalid(k, "was given " + e.getValue().length + " times; give it once");
            }
            out.put(k, e.getValue()[0]);
        }
        return out;
    }

    /** Refuses any query parameter (each named in the error). */
    private static void noParams(HttpServletRequest req) {
        String q = req.getQueryString();
        if (q != null && !q.isEmpty()) {
            params(req, Set.of());
        }
    }

    /**
     * The JSON object body. A body-carrying method must say {@code Content-Type: application/json} (also a guard
     * against cross-site form posts); an empty body is {@code {}} unless {@code required}.
     */
    private JsonBody body(HttpServletRequest req, Set<String> allowed, boolean required) throws IOException {
        String type = req.getContentType();
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw new ApiException(AuthError.unsupportedMediaType());
        }
        byte[] bytes = readBody(req);
        if (bytes.length == 0) {
            if (required) {
                throw ApiException.invalid("body", "a JSON object is required");
            }
            return new JsonBody(json.createObjectNode(), allowed);
        }
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JsonParseException e) {
            throw ApiException.invalid("body", "not valid JSON"
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")" : "") + duplicate(e));
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("body", "not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.invalid("body", "must be a JSON object");
        }
        return new JsonBody((ObjectNode) node, allowed);
    }

    private static String duplicate(JsonParseException e) {
        String msg = e.getOriginalMessage();
        return msg != null && msg.startsWith("Duplicate field") ? ": a field is given twice" : "";
    }

    private byte[] readBody(HttpServletRequest req) throws IOException {
        long declared = req.getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge(req.getInputStream(), 0);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 256);
        byte[] buf = new byte[4096];
        try (InputStream in = req.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > maxBodyBytes) {
                    throw tooLarge(in, out.size() + n);
                }
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    /**
     * The 413, after reading and dropping what is left of a body up to {@value #DRAIN_BYTES} bytes in all: a client
     * still sending when the server answers and closes would otherwise see the connection reset instead of the
     * answer. A larger body is not read further; the container closes the connection.
     */
    private ApiException tooLarge(InputStream in, long alreadyRead) throws IOException {
        byte[] buf = new byte[4096];
        long read = alreadyRead;
        int n;
        while (read < DRAIN_BYTES && (n = in.read(buf, 0, (int) Math.min(buf.length, DRAIN_BYTES - read))) > 0) {
            read += n;
        }
        return tooLarge();
    }

    private ApiException tooLarge() {
        return new ApiException(AuthError.payloadTooLarge(maxBodyBytes));
    }

    private void write(HttpServletResponse res, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        res.setStatus(status);
        res.setHeader("Cache-Control", "no-store");
        res.setContentType("application/json;charset=UTF-8");
        res.setContentLength(bytes.length);
        try (OutputStream out = res.getOutputStream()) {
            out.write(bytes);
        }
    }

    /** Every error of the API, through the one factory and writer the filter uses too. */
    private static void error(HttpServletResponse res, AuthError error) throws IOException {
        error.write(res, REALM);
    }
}
