package dev.latchkey.core;

import java.util.Objects;

/**
 * What the authenticator needs to know about a request, free of servlet types.
 *
 * @param method   the HTTP method, upper case
 * @param path     the decoded, normalised path the host routes on (servlet path + path info), starting with
 *                 {@code /}
 * @param query    the raw query string, or empty
 * @param clientIp the client IP as resolved by the host (peer address or trusted forwarding header)
 */
public record RequestFacts(String method, String path, String query, String clientIp) {
    public RequestFacts {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(clientIp, "clientIp");
    }

    /** Facts with no query string. */
    public static RequestFacts of(String method, String path, String clientIp) {
        return new RequestFacts(method, path, "", clientIp);
    }
}
