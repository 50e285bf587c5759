package dev.latchkey.servlet;

import dev.latchkey.core.Latchkey;

/**
 * The names under which Latchkey exchanges objects with the host: request attributes set by
 * {@link LatchkeyFilter}, and servlet-context attributes read by filters and servlets registered in
 * {@code web.xml}.
 */
public final class LatchkeyAttributes {
    /**
     * Request attribute {@value}: the {@link dev.latchkey.core.TokenInfo} (id, kind, name, owner, effective
     * scope, expiry) of the token that authenticated the request. Absent when no token was used.
     */
    public static final String TOKEN = "dev.latchkey.token";

    /** Request attribute {@value}: the client IP (a {@code String}) the filter resolved for a token request. */
    public static final String CLIENT_IP = "dev.latchkey.clientIp";

    /** Servlet-context attribute {@value}: the {@link dev.latchkey.core.Latchkey} engine (required in web.xml setups). */
    public static final String LATCHKEY = "dev.latchkey.Latchkey";

    /**
     * Servlet-context attribute {@value}: the {@link dev.latchkey.spi.AuditSink} the filter records refused
     * password requests to (use the engine's sink). Optional.
     */
    public static final String AUDIT_SINK = "dev.latchkey.AuditSink";

    /**
     * Servlet-context attribute {@value}: the {@link dev.latchkey.spi.AuditLog} behind {@code GET /admin/audit}.
     * Optional. The filter also uses it as its audit sink when {@link #AUDIT_SINK} is absent.
     */
    public static final String AUDIT_LOG = "dev.latchkey.AuditLog";

    /**
     * Servlet-context attribute {@value}: the {@link dev.latchkey.spi.UserDirectory}, needed for
     * group-based exemptions from disabled password authentication. Optional.
     */
    public static final String USER_DIRECTORY = "dev.latchkey.UserDirectory";

    /** The Basic user name that service tokens are sent with ({@value}): {@link Latchkey#SERVICE_BASIC_USERNAME}. */
    public static final String SERVICE_BASIC_USERNAME = Latchkey.SERVICE_BASIC_USERNAME;

    /** {@code getAuthType()} of a request authenticated by a Bearer token ({@value}). */
    public static final String AUTH_TYPE_BEARER = "Bearer";

    /** {@code getAuthType()} of a request authenticated by a token sent as a Basic password ({@value}). */
    public static final String AUTH_TYPE_BASIC = "BASIC";

    private LatchkeyAttributes() {
    }
}
