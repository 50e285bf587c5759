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
 * @param clientIp the client IP as resolved by the host (peer address or trusted forwarding header)
 * @param body     supplies the request body when the host buffered it for the classifier (see
 *                 {@link dev.latchkey.core.classify.RequestClassifier#needsBody}); empty when the host did not
 *                 or the body was larger than the host's bound. Called at most a few times; must be cheap.
 */
public record RequestFacts(String method, String path, String query, String clientIp,
                           Supplier<Optional<byte[]>> body) {
    private static final Supplier<Optional<byte[]>> NO_BODY = Optional::empty;

    public RequestFacts {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(body, "body");
    }

    /** Facts without a body. */
    public RequestFacts(String method, String path, String query, String clientIp) {
        this(method, path, query, clientIp, NO_BODY);
    }

    /** Facts with no query string. */
    public static RequestFacts of(String method, String path, String clientIp) {
        return new RequestFacts(method, path, "", clientIp);
    }

    /** These facts with {@code body} as the body supplier. */
    public RequestFacts withBody(Supplier<Optional<byte[]>> body) {
        return new RequestFacts(method, path, query, clientIp, body);
    }
}
