package dev.latchkey.servlet.internal;

import dev.latchkey.core.Decision;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.TokenInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The servlet-free core of the proxy authorisation endpoint (nginx {@code auth_request}, Envoy HTTP
 * {@code ext_authz}): reads the original request the proxy describes in headers, classifies and decides it
 * with the engine, and says what to answer. Servlet adapters only copy headers in and the answer out.
 * Immutable and thread-safe.
 */
public final class ProxyAuthorizer {
    /** The original request method, set by the proxy. */
    public static final String ORIGINAL_METHOD = "X-Original-Method";
    /** The original request target (path and query, as received), set by the proxy. */
    public static final String ORIGINAL_URI = "X-Original-URI";
    /** Answer header: the principal the token acts as. */
    public static final String USER = "X-Latchkey-User";
    /** Answer header: the token's public id. */
    public static final String TOKEN_ID = "X-Latchkey-Token-Id";
    /** Answer header: personal or service. */
    public static final String TOKEN_KIND = "X-Latchkey-Token-Kind";
    /** Answer header: the effective access level. */
    public static final String SCOPE = "X-Latchkey-Scope";
    /** Answer header: the resources the token is limited to, comma-separated (absent when unlimited). */
    public static final String RESOURCES = "X-Latchkey-Resources";

    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final int MAX_URI = 8192;

    private final Latchkey latchkey;
    private final CredentialResolver credentials;

    public ProxyAuthorizer(Latchkey latchkey, CredentialResolver credentials) {
        this.latchkey = Objects.requireNonNull(latchkey, "latchkey");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    /**
     * What to answer the proxy.
     *
     * @param originalMethod the {@value #ORIGINAL_METHOD} header, or null
     * @param originalUri    the {@value #ORIGINAL_URI} header, or null
     * @param authorization  the {@code Authorization} header lines of the original request
     * @param clientIp       the client address as the trusted-proxy rules resolved it
     */
    public Answer decide(String originalMethod, String originalUri, Enumeration<String> authorization,
                         String clientIp) {
        if (originalMethod == null || !METHOD.matcher(originalMethod).matches()) {
            return Answer.refused(AuthError.invalidRequest("the proxy must send the original method in "
                    + ORIGINAL_METHOD + " (1-16 upper-case letters)"));
        }
        Target target = Target.parse(originalUri);
        if (target == null) {
            return Answer.refused(AuthError.invalidRequest("the proxy must send the original request target in "
                    + ORIGINAL_URI + ": an absolute path, percent-encoded UTF-8, no dot segments, empty segments, "
                    + "encoded '/', '\\', ';' or control characters, at most " + MAX_URI + " characters"));
        }
        Presented presented = credentials.resolve(authorization, target.rawQuery());
        if (presented instanceof Presented.Invalid invalid) {
            return Answer.refused(AuthError.invalidRequest(invalid.description()));
        }
        if (presented instanceof Presented.Password) {
            // a proxy cannot check a host password: only tokens authorise here
            return Answer.refused(AuthError.tokenRequired());
        }
        if (!(presented instanceof Presented.Token token)) {
            return Answer.refused(AuthError.tokenMissing());
        }
        RequestFacts facts = new RequestFacts(originalMethod, target.path(), target.rawQuery() == null ? ""
                : target.rawQuery(), clientIp);
        // the proxy does not forward the body (auth_request cannot): a classifier that needs it decides without,
        // which it does on the safe side
        Decision decision = latchkey.authenticator().authenticate(token.credential(), facts);
        if (decision instanceof Decision.Allowed allowed) {
            TokenInfo info = allowed.token();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put(USER, headerValue(allowed.principal().getName()));
            headers.put(TOKEN_ID, headerValue(info.id()));
            headers.put(TOKEN_KIND, info.kind().name());
            headers.put(SCOPE, info.effectiveScope().level().name());
            if (!info.effectiveScope().resources().isEmpty()) {
                headers.put(RESOURCES, headerValue(String.join(",",
                        new java.util.TreeSet<>(info.effectiveScope().resources()))));
            }
            return new Answer(200, Map.copyOf(headers), null);
        }
        return Answer.refused(AuthError.refused((Decision.Refused) decision));
    }

    /** Printable ASCII stays; anything else (and '%') is percent-encoded UTF-8, so no header can be split. */
    public static String headerValue(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '%') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /**
     * What the endpoint answers: 200 with {@code headers}, or the {@code error}.
     *
     * @param status  HTTP status
     * @param headers headers for an allowed request
     * @param error   the refusal, or null when allowed
     */
    public record Answer(int status, Map<String, String> headers, AuthError error) {
        static Answer refused(AuthError error) {
            return new Answer(error.status(), Map.of(), error);
        }
    }

    /**
     * The original request target: the decoded path the classifier sees and the raw query. Anything an upstream
     * could route differently from how the path reads here is refused, not normalised: dot and empty segments,
     * encoded '/', '\', ';' (path parameters), controls, malformed percent-encoding or UTF-8.
     */
    record Target(String path, String rawQuery) {
        static Target parse(String uri) {
            if (uri == null || uri.isEmpty() || uri.length() > MAX_URI || uri.charAt(0) != '/'
                    || uri.indexOf('#') >= 0) {
                return null;
            }
            int q = uri.indexOf('?');
            String rawPath = q < 0 ? uri : uri.substring(0, q);
            String query = q < 0 ? null : uri.substring(q + 1);
            if (query != null) {
                for (int i = 0; i < query.length(); i++) {
                    char c = query.charAt(i);
                    if (c <= 0x20 || c >= 0x7f) {
                        return null;
                    }
                }
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawPath.length());
            for (int i = 0; i < rawPath.length(); i++) {
                char c = rawPath.charAt(i);
                if (c == '%') {
                    if (i + 2 >= rawPath.length()) {
                        return null;
                    }
                    int hi = Character.digit(rawPath.charAt(i + 1), 16);
                    int lo = Character.digit(rawPath.charAt(i + 2), 16);
                    if (hi < 0 || lo < 0) {
                        return null;
                    }
                    int b = hi << 4 | lo;
                    if (b == '/' || b == '\\' || b == ';' || b < 0x20 || b == 0x7f) {
                        return null;
                    }
                    bytes.write(b);
                    i += 2;
                } else if (c <= 0x20 || c >= 0x7f || c == '\\' || c == ';') {
                    return null;
                } else {
                    bytes.write(c);
                }
            }
            String path;
            try {
                path = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
            } catch (CharacterCodingException e) {
                return null;
            }
            String[] segments = path.split("/", -1);
            for (int i = 1; i < segments.length; i++) {
                String s = segments[i];
                boolean last = i == segments.length - 1;
                if (s.equals(".") || s.equals("..") || (s.isEmpty() && !last)) {
                    return null;
                }
            }
            return new Target(path, query);
        }
    }
}
