package dev.latchkey.servlet;

/**
 * The request header a trusted proxy uses to pass on the client address. Read only when the peer is one of
 * {@link ClientIpResolver.Builder#trustedProxies(String...) the trusted proxies}.
 */
public enum ForwardedHeader {
    /** {@code X-Forwarded-For: client, proxy1, proxy2} (a custom header name uses the same syntax). */
    X_FORWARDED_FOR("X-Forwarded-For"),
    /** RFC 7239 {@code Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"}. */
    FORWARDED("Forwarded"),
    /** {@code X-Real-IP: client} (a single address set by the proxy in front). */
    X_REAL_IP("X-Real-IP");

    private final String headerName;

    ForwardedHeader(String headerName) {
        this.headerName = headerName;
    }

    /**
     * The HTTP header name.
     *
     * @return the header's name as sent, e.g. {@code X-Forwarded-For}
     */
    public String headerName() {
        return headerName;
    }
}
