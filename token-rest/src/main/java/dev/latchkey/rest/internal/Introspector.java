package dev.latchkey.rest.internal;

import dev.latchkey.core.Actor;
import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.TokenInfo;
import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.servlet.internal.AuthError;
import dev.latchkey.servlet.internal.IpText;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenRecord;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet-free core of token introspection (RFC 7662): checks the calling resource server's client
 * credential (HTTP Basic, its secret compared as a SHA-256 digest in constant time), rate-limits and audits
 * failed callers, and says whether a token is active, with no hint why not. Immutable and thread-safe.
 */
public final class Introspector {
    private static final Logger LOG = LoggerFactory.getLogger(Introspector.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INACTIVE = "{\"active\":false}";
    /** The extension parameter for the end client's address as the resource server saw it. */
    public static final String CLIENT_IP_PARAM = "latchkey_client_ip";

    private final Latchkey latchkey;
    private final Map<String, byte[]> clients;
    private final Clock clock;

    /** @param clients client id to the SHA-256 digest of its secret */
    public Introspector(Latchkey latchkey, Map<String, byte[]> clients, Clock clock) {
        this.latchkey = Objects.requireNonNull(latchkey, "latchkey");
        this.clients = Map.copyOf(clients);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The SHA-256 digest of a client secret, as the builder takes it (lower-case hex). */
    public static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * What to answer.
     *
     * @param authorization the caller's {@code Authorization} header, or null
     * @param callerIp      the resource server's address
     * @param form          the decoded form parameters (each name to all its values), or null when the body was
     *                      not a form
     */
    public Answer introspect(String authorization, String callerIp, Map<String, List<String>> form) {
        Optional<Duration> wait = latchkey.attemptLimiter().admit(callerIp);
        if (wait.isPresent()) {
            return Answer.error(AuthError.rateLimited(wait.get()));
        }
        Optional<String> client = authenticateClient(authorization);
        if (client.isEmpty()) {
            latchkey.attemptLimiter().failed(callerIp);
            audit(callerIp, authorization);
            return Answer.error(AuthError.invalidClient());
        }
        if (form == null) {
            return Answer.error(AuthError.invalidRequest("the body must be application/x-www-form-urlencoded"));
        }
        List<String> tokens = form.getOrDefault("token", List.of());
        if (tokens.size() != 1) {
            return Answer.error(AuthError.invalidRequest("exactly one 'token' form parameter is required"));
        }
        List<String> ips = form.getOrDefault(CLIENT_IP_PARAM, List.of());
        String ip = RequestFacts.UNKNOWN_CLIENT_IP;
        if (ips.size() > 1 || (ips.size() == 1 && IpText.parseHost(ips.get(0)) == null)) {
            return Answer.error(AuthError.invalidRequest("'" + CLIENT_IP_PARAM + "' must be one IP address"));
        } else if (ips.size() == 1) {
            ip = IpText.parseHost(ips.get(0));
        }
        String token = tokens.get(0);
        if (!latchkey.authenticator().looksLikeToken(token)) {
            return Answer.ok(INACTIVE); // made up or malformed: no store access, no hint
        }
        Decision d = latchkey.authenticator().authenticate(Credential.bearer(token),
                new RequestFacts("GET", "/", "", ip));
        if (!(d instanceof Decision.Allowed allowed)) {
            return Answer.ok(INACTIVE);
        }
        return Answer.ok(active(allowed, client.get()));
    }

    private String active(Decision.Allowed allowed, String clientId) {
        TokenInfo info = allowed.token();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("active", true);
        out.put("username", allowed.principal().getName());
        out.put("sub", allowed.principal().getName());
        out.put("client_id", clientId);
        out.put("token_type", "Bearer");
        List<String> scope = new ArrayList<>();
        scope.add(info.effectiveScope().level().name());
        for (Map.Entry<String, AccessLevel> e : new TreeMap<>(info.effectiveScope().domainLevels()).entrySet()) {
            scope.add(e.getKey() + ":" + e.getValue().name());
        }
        out.put("scope", String.join(" ", scope));
        info.expiresAt().ifPresent(exp -> out.put("exp", exp.getEpochSecond()));
        Optional<TokenRecord> record = record(info);
        record.ifPresent(r -> out.put("iat", r.createdAt().getEpochSecond()));
        out.put("jti", info.id());
        out.put("latchkey_token_kind", info.kind().name());
        out.put("latchkey_level", info.effectiveScope().level().name());
        out.put("latchkey_domain_levels", new TreeMap<>(info.effectiveScope().domainLevels()));
        out.put("latchkey_resources", new java.util.TreeSet<>(info.effectiveScope().resources()));
        record.ifPresent(r -> out.put("latchkey_allowed_cidrs", r.allowedCidrs()));
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the introspection answer", e);
        }
    }

    /** The stored record of a personal token, read as its owner (for iat and the CIDRs); empty if unreadable. */
    private Optional<TokenRecord> record(TokenInfo info) {
        if (info.kind() != TokenKind.PERSONAL) {
            return Optional.empty();
        }
        try {
            return Optional.of(latchkey.tokens().get(Actor.user(info.owner()), info.id()));
        } catch (RuntimeException e) {
            LOG.debug("introspection could not read token {}'s record: {}", info.id(), e.toString());
            return Optional.empty();
        }
    }

    private Optional<String> authenticateClient(String authorization) {
        if (authorization == null || authorization.length() > 1024
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = pair.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String id = pair.substring(0, colon);
        String secret = pair.substring(colon + 1);
        if (matches(id, secret)) {
            return Optional.of(id);
        }
        // RFC 6749 §2.3.1 form-encodes both before Basic; clients differ in whether they do
        try {
            String did = URLDecoder.decode(id, StandardCharsets.UTF_8);
            String dsecret = URLDecoder.decode(secret, StandardCharsets.UTF_8);
            if ((!did.equals(id) || !dsecret.equals(secret)) && matches(did, dsecret)) {
                return Optional.of(did);
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private boolean matches(String id, String secret) {
        byte[] expected = clients.get(id);
        byte[] presented = digest(secret);
        // compare even for an unknown id, so the time taken says nothing about which ids exist
        return MessageDigest.isEqual(expected != null ? expected : new byte[presented.length], presented)
                && expected != null;
    }

    private void audit(String ip, String authorization) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("endpoint", "introspect");
        try {
            latchkey.refusalAuditSink().record(new AuditEvent(AuditEventType.AUTHENTICATION_REFUSED, clock.instant(),
                    "anonymous", Optional.empty(), Optional.empty(),
                    Optional.of(SafeText.forAudit(ip, latchkey.tokenFormat())), AuditOutcome.FAILURE,
                    Optional.of(authorization == null ? "INTROSPECTION_CLIENT_MISSING" : "INTROSPECTION_CLIENT_REFUSED"),
                    details));
        } catch (RuntimeException e) {
            LOG.debug("the audit sink failed to record a refused introspection caller: {}", e.toString());
        }
    }

    /** Hex digest text to bytes; refuses anything but 64 hex digits. */
    public static byte[] parseDigest(String hex) {
        Objects.requireNonNull(hex, "secretSha256Hex");
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("secretSha256Hex must be the SHA-256 digest of the secret as 64 hex "
                    + "digits (e.g. printf %s \"$SECRET\" | sha256sum)");
        }
        return HexFormat.of().parseHex(hex);
    }

    /**
     * What to answer: 200 with {@code json}, or the {@code error}.
     *
     * @param json  the introspection response
     * @param error the refusal of the caller or its request, or null
     */
    public record Answer(String json, AuthError error) {
        static Answer ok(String json) {
            return new Answer(json, null);
        }

        static Answer error(AuthError error) {
            return new Answer(null, error);
        }
    }
}
