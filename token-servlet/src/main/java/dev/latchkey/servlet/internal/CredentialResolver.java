package dev.latchkey.servlet.internal;

import dev.latchkey.core.Credential;
import dev.latchkey.core.ForeignBearerRule;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Enumeration;
import java.util.function.Predicate;

/**
 * Extracts the credential from a request: {@code Authorization: Bearer <token>}, {@code Authorization: Basic}
 * with a token as the password, and (only when allowed) the {@code access_token} query parameter. Pure and
 * thread-safe; allocation is limited to what the credential itself needs.
 *
 * <p>A header is Bearer or Basic when, after leading white space, it starts with {@code bearer} or
 * {@code basic} in any case — what the loosest host parsers accept ({@code Basic\t..}, {@code Basic:..},
 * {@code BasicX..}, {@code BEARER ..}). The credentials follow white space or one other separator character.
 * Bearer and Basic headers longer than the limit, with control or non-ASCII characters, with an empty or
 * non-token68 value, broken base64, or no {@code :} in the Basic credentials are {@link Presented.Invalid}
 * (never "not ours"); so are several Authorization headers, or a header and a query token together. Other
 * schemes are left to the host. The query string is parsed by hand: {@code getParameter} would consume a form body the host needs.
 *
 * <p>With a {@link ForeignBearerRule}, a plain Bearer header whose value is not in this host's token format (the
 * host's own JWT) is {@link Presented.Nothing}: the host's business, passed on untouched (issue 11). Without one,
 * every Bearer header is Latchkey's.
 */
public final class CredentialResolver {
    /** The query parameter carrying a token (RFC 6750 section 2.3), honoured only when allowed. */
    public static final String QUERY_PARAMETER = "access_token";

    private static final Presented.Invalid SEVERAL = new Presented.Invalid("several credentials were sent; send one");
    private static final Presented.Invalid BAD_CHARS = new Presented.Invalid(
            "the Authorization header contains control or non-ASCII characters");
    private static final Presented.Invalid EMPTY_BEARER = new Presented.Invalid("the Bearer token is empty");
    private static final Presented.Invalid BAD_BEARER = new Presented.Invalid(
            "the Bearer token has characters a token cannot have");
    private static final Presented.Invalid BAD_BASIC = new Presented.Invalid(
            "the Basic credentials are not valid base64 of user:password");
    private static final Presented.Invalid QUERY_REFUSED = new Presented.Invalid(
            "tokens in the query string are not accepted (they end up in logs and browser history); "
                    + "send the token in the Authorization header");
    private static final Presented.Invalid BAD_QUERY = new Presented.Invalid(
            "the access_token query parameter is malformed or repeated");

    private final int maxHeaderLength;
    private final boolean allowQuery;
    private final Presented.Invalid tooLong;
    private final Predicate<String> looksLikeToken;
    private final ForeignBearerRule foreign;

    /** A resolver that claims every Bearer header (the proxy endpoint, where Latchkey is the only authenticator). */
    public CredentialResolver(int maxHeaderLength, boolean allowQuery, Predicate<String> looksLikeToken) {
        this(maxHeaderLength, allowQuery, looksLikeToken, null);
    }

    /**
     * @param maxHeaderLength the longest Bearer or Basic header read
     * @param allowQuery      whether {@value #QUERY_PARAMETER} is honoured
     * @param looksLikeToken  whether a text has this host's token shape
     * @param foreign         the rule that leaves foreign Bearer credentials to the host, or null to claim them all
     */
    public CredentialResolver(int maxHeaderLength, boolean allowQuery, Predicate<String> looksLikeToken,
                              ForeignBearerRule foreign) {
        this.maxHeaderLength = maxHeaderLength;
        this.allowQuery = allowQuery;
        this.looksLikeToken = looksLikeToken;
        this.foreign = foreign;
        this.tooLong = new Presented.Invalid("the Authorization header is longer than " + maxHeaderLength
                + " characters");
    }

    /** What the request presents, from its Authorization header lines and raw query string (may be null). */
    public Presented resolve(Enumeration<String> authorization, String rawQuery) {
        String header = null;
        if (authorization != null && authorization.hasMoreElements()) {
            header = authorization.nextElement();
            if (authorization.hasMoreElements()) {
                return SEVERAL;
            }
        }
        String queryToken = null;
        if (rawQuery != null && rawQuery.contains("access")) {
            Object q = queryToken(rawQuery);
            if (q instanceof Presented.Invalid) {
                return (Presented) q;
            }
            queryToken = (String) q;
        }
        Presented fromHeader = header == null ? Presented.Nothing.INSTANCE : fromHeader(header);
        if (queryToken == null) {
            return fromHeader;
        }
        if (!allowQuery) {
            // a value that is not one of our tokens is the host's business (e.g. its own OAuth)
            return looksLikeToken.test(queryToken) ? QUERY_REFUSED : fromHeader;
        }
        if (header != null) {
            return SEVERAL;
        }
        if (queryToken.isEmpty()) {
            return EMPTY_BEARER;
        }
        return new Presented.Token(Credential.bearer(queryToken), "Bearer");
    }

    /** The decoded access_token value, null when absent, or Invalid. */
    private static Object queryToken(String rawQuery) {
        String found = null;
        int start = 0;
        int n = rawQuery.length();
        while (start <= n) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            int eq = rawQuery.indexOf('=', start);
            int keyEnd = eq < 0 || eq > end ? end : eq;
            String key = rawQuery.substring(start, keyEnd);
            if (key.indexOf('%') >= 0 || key.indexOf('+') >= 0) {
                key = decode(key);
                if (key == null) {
                    key = "";
                }
            }
            if (key.equals(QUERY_PARAMETER)) {
                if (found != null) {
                    return BAD_QUERY;
                }
                String value = decode(keyEnd < end ? rawQuery.substring(keyEnd + 1, end) : "");
                if (value == null) {
                    return BAD_QUERY;
                }
                found = value;
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
        return found;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Presented fromHeader(String header) {
        if (foreign != null && foreign.isForeign(header)) {
            return Presented.Nothing.INSTANCE; // e.g. the host's JWT: not ours to read, limit or refuse
        }
        // Hosts parse loosely (Spring Security: trim, then any case-insensitive "basic" prefix, then whatever
        // follows the sixth character), so whatever any of them could read as Basic or Bearer is ours: read it
        // as exactly that, or refuse it. Passing it on would let a password through where passwords are off.
        int at = 0;
        while (at < header.length() && header.charAt(at) <= ' ') {
            at++;
        }
        boolean bearer = header.regionMatches(true, at, "Bearer", 0, 6);
        boolean basic = !bearer && header.regionMatches(true, at, "Basic", 0, 5);
        if (!bearer && !basic) {
            return Presented.Nothing.INSTANCE; // Negotiate, Digest, ...: the host's own business
        }
        if (header.length() > maxHeaderLength) {
            return tooLong;
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if ((c < 0x20 && c != '\t') || c >= 0x7f) {
                return BAD_CHARS;
            }
        }
        String value = credentialsAfterScheme(header, at + (bearer ? 6 : 5));
        if (value.isEmpty()) {
            return bearer ? EMPTY_BEARER : BAD_BASIC;
        }
        if (!isToken68(value)) {
            return bearer ? BAD_BEARER : BAD_BASIC;
        }
        if (bearer) {
            return new Presented.Token(Credential.bearer(value), "Bearer");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return BAD_BASIC;
        }
        String pair = decodeText(raw);
        int colon = pair.indexOf(':');
        if (colon < 0) {
            return BAD_BASIC;
        }
        String user = pair.substring(0, colon);
        String password = pair.substring(colon + 1);
        if (looksLikeToken.test(password)) {
            if (hasControl(user)) {
                return BAD_BASIC;
            }
            return new Presented.Token(Credential.basic(user, password), "BASIC");
        }
        return new Presented.Password(user);
    }

    /**
     * What follows the scheme name: after white space, or after one other separator character
     * ({@code Basic:}, {@code BasicX}), as the loosest hosts read it; surrounding white space dropped.
     */
    private static String credentialsAfterScheme(String header, int end) {
        if (end >= header.length()) {
            return "";
        }
        char c = header.charAt(end);
        int from = c == ' ' || c == '\t' ? end : end + 1;
        return header.substring(from).strip();
    }

    /** UTF-8 when it is valid UTF-8 (RFC 7617 charset), else ISO-8859-1 (what older clients send). */
    private static String decodeText(byte[] raw) {
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw));
            return cb.toString();
        } catch (CharacterCodingException e) {
            return new String(raw, StandardCharsets.ISO_8859_1);
        }
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** RFC 7235 token68: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
    static boolean isToken68(String v) {
        int n = v.length();
        int i = 0;
        while (i < n) {
            char c = v.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/') {
                i++;
            } else {
                break;
            }
        }
        if (i == 0) {
            return false;
        }
        while (i < n && v.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }
}
