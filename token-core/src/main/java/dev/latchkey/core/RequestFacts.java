package dev.latchkey.core;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the authenticator needs to know about a request, free of servlet types.
 *
 * @param method   the HTTP method as sent (the classifier decides what an unusual spelling means)
 * @param path     the decoded, normalised path the host routes on (servlet path + path info), starting with
 *                 {@code /}
 * @param query    the raw query string, or empty
 * @param clientIp the client IP as resolved by the host (peer address or trusted forwarding header), or
 *                 {@link #UNKNOWN_CLIENT_IP} when the host could not tell
 * @param body     supplies the request body when the host buffered it for the classifier (see
 *                 {@link dev.latchkey.core.classify.RequestClassifier#needsBody}); empty when the host did not
 *                 or the body was larger than the host's bound. Called at most a few times; must be cheap.
 *
 * @since 0.1
 */
public record RequestFacts(String method, String path, String query, String clientIp,
                           Supplier<Optional<byte[]>> body) {
    /**
     * The client address when the host cannot tell who the client is (e.g. a trusted proxy's forwarding header
     * that cannot be read). It matches no CIDR rule and no allowlist, so a token or password limited to
     * addresses is refused, and it is what a token's last-used address shows. Hosts must use it rather than
     * a stand-in address such as the proxy's own.
     */
    public static final String UNKNOWN_CLIENT_IP = "unknown";
    private static final Supplier<Optional<byte[]>> NO_BODY = Optional::empty;

    /**
     * Checks that no field is null.
     *
     * @param method   the HTTP method as sent
     * @param path     the decoded, normalised path the host routes on
     * @param query    the raw query string, or empty
     * @param clientIp the client IP, or {@link #UNKNOWN_CLIENT_IP}
     * @param body     supplies the buffered request body, if any
     * @throws NullPointerException if a field is null
     */
    public RequestFacts {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(body, "body");
    }

    /**
     * Facts without a body.
     *
     * @param method   the HTTP method as sent
     * @param path     the decoded, normalised path the host routes on
     * @param query    the raw query string, or empty
     * @param clientIp the client IP, or {@link #UNKNOWN_CLIENT_IP}
     * @throws NullPointerException if an argument is null
     */
    public RequestFacts(String method, String path, String query, String clientIp) {
        this(method, path, query, clientIp, NO_BODY);
    }

    /**
     * Whether the host knew the client address ({@link #clientIp()} is not {@link #UNKNOWN_CLIENT_IP}).
     *
     * @return true if the host knew the client address
     */
    public boolean clientIpKnown() {
        return !UNKNOWN_CLIENT_IP.equals(clientIp);
    }

    /**
     * Facts with no query string.
     *
     * @param method   the HTTP method as sent
     * @param path     the decoded, normalised path the host routes on
     * @param clientIp the client IP, or {@link #UNKNOWN_CLIENT_IP}
     * @return facts with an empty query and no body
     * @throws NullPointerException if an argument is null
     */
    public static RequestFacts of(String method, String path, String clientIp) {
        return new RequestFacts(method, path, "", clientIp);
    }

    /**
     * These facts with {@code body} as the body supplier.
     *
     * @param body supplies the request body the host buffered, or empty when there is none
     * @return a copy of these facts with the body supplier
     * @throws NullPointerException if {@code body} is null
     */
    public RequestFacts withBody(Supplier<Optional<byte[]>> body) {
        return new RequestFacts(method, path, query, clientIp, body);
    }
}
