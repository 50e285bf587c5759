package dev.latchkey.core;

/**
 * The hot path: decides whether a presented token may make a request. Obtained from
 * {@link Latchkey#authenticator()}. Thread-safe; never throws for any input: every failure is a
 * {@link Decision.Refused} (fail closed).
 *
 * @since 0.1
 */
public interface Authenticator {
    /**
     * Decides on one request.
     *
     * @param credential the presented token
     * @param request    facts about the request
     * @return allowed with a principal, or refused with a reason; never null
     */
    Decision authenticate(Credential credential, RequestFacts request);

    /**
     * Whether {@code text} has the shape of one of this host's tokens (prefix, length, alphabet, checksum),
     * with no storage access. Used to tell a token sent as a Basic password from a real password.
     *
     * @param text the text to look at, e.g. a Basic password; may be anything
     * @return true if it is shaped like a token of this host (it may still be unknown, revoked or expired)
     */
    boolean looksLikeToken(String text);

    /**
     * Whether deciding on a request with this method and path needs its body (see
     * {@link dev.latchkey.core.classify.RequestClassifier#needsBody}); the host then offers a bounded copy
     * through {@link RequestFacts#body()}. Cheap; never throws.
     *
     * @param method the request's HTTP method
     * @param path   the request's path, as in {@link RequestFacts#path()}
     * @return true if the host should buffer the body and offer it through {@link RequestFacts#body()}
     */
    default boolean needsBody(String method, String path) {
        return false;
    }
}
