package dev.latchkey.core;

import java.util.Objects;

/**
 * Tells a Bearer credential of another issuer (the host's own JWT, an OAuth access token) from one that Latchkey
 * must decide, so a host can run Latchkey beside its own Bearer authentication. The one definition every adapter
 * uses (the servlet filter, the Spring filter).
 *
 * <p>An {@code Authorization} header value is <em>foreign</em> only when it is exactly the plain form a resource
 * server reads: {@code Bearer} (any case), one space, an RFC 6750 {@code b64token}, and that value does not begin
 * with one of this host's prefixes followed by {@code _}, in any case ({@code lkp_}, {@code LKS_}). Everything
 * else is Latchkey's: a mistyped Latchkey token (prefix right, checksum wrong) is still refused and audited, and
 * an odd spelling of the scheme or of the separator is never handed to another authenticator. So every string
 * {@link TokenFormat#parse} accepts is never foreign, whatever precedes it. Pure, allocation-free, thread-safe.
 *
 * @since 0.1
 */
public final class ForeignBearerRule {
    private static final String SCHEME = "Bearer ";

    private final String[] prefixes;

    private ForeignBearerRule(TokenFormat format) {
        this.prefixes = new String[] {format.personalPrefix() + "_", format.servicePrefix() + "_"};
    }

    /**
     * The rule for the tokens of {@code format}.
     *
     * @param format this host's token format (its prefixes)
     * @return the rule
     */
    public static ForeignBearerRule of(TokenFormat format) {
        return new ForeignBearerRule(Objects.requireNonNull(format, "format"));
    }

    /**
     * Whether {@code authorization}, one {@code Authorization} header value, is a plain Bearer credential that
     * is not in this host's token format (see the class description).
     *
     * @param authorization the header value, or null
     * @return true only for a plain {@code Bearer <b64token>} whose value does not carry one of the prefixes
     */
    public boolean isForeign(String authorization) {
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        int from = SCHEME.length();
        if (!isB64Token(authorization, from)) {
            return false;
        }
        for (String p : prefixes) {
            if (authorization.regionMatches(true, from, p, 0, p.length())) {
                return false;
            }
        }
        return true;
    }

    /** RFC 6750 b64token from {@code from} to the end: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
    private static boolean isB64Token(String s, int from) {
        int n = s.length();
        int i = from;
        while (i < n) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/') {
                i++;
            } else {
                break;
            }
        }
        if (i == from) {
            return false;
        }
        while (i < n && s.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    @Override
    public String toString() {
        return "ForeignBearerRule[not " + prefixes[0] + "…, " + prefixes[1] + "…]";
    }
}
