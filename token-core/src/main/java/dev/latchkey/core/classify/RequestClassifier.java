package dev.latchkey.core.classify;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.spi.Scope;

/**
 * Decides what a request needs from a token: the level, and the resource it acts on. "Safe" is decided here,
 * not by the HTTP method alone: a git fetch is a POST to {@code git-upload-pack} and needs only READ.
 *
 * <p>Implementations are thread-safe and pure. A request that cannot be classified must throw
 * {@link UnclassifiableRequestException} (the engine refuses it) — never guess low.
 *
 * @since 0.1
 */
public interface RequestClassifier {

    /**
     * What {@code request} needs.
     *
     * @param request the request's method, path, query, client address and, when asked for, body
     * @return the access level and resource the request needs, or that it needs none
     */
    Requirement classify(RequestFacts request);

    /**
     * Whether the classifier must see the body of a request with this method and path (e.g. a Git LFS batch
     * request, whose JSON says download or upload). Hosts buffer a bounded prefix of the body only for these
     * requests and offer it through {@link RequestFacts#body()}. Runs on every request: keep it cheap.
     *
     * @param method the request's HTTP method
     * @param path   the request's path, as in {@link RequestFacts#path()}
     * @return true if the classifier needs the body; the default is false
     */
    default boolean needsBody(String method, String path) {
        return false;
    }

    /**
     * The canonical name of a resource as tokens store it (e.g. upper-case project key), or a
     * {@link dev.latchkey.core.ValidationException} naming {@code resources} if it is not a valid name.
     *
     * @param resource a resource name as a user wrote it in a token's scope
     * @return the name as tokens store it; the default returns it unchanged
     */
    default String canonicalResource(String resource) {
        return resource;
    }

    /**
     * Checks domain-specific scope rules (e.g. repository level at least project level).
     *
     * @param scope the scope a token is being given
     * @throws dev.latchkey.core.ValidationException if the scope breaks a rule of this domain; the default accepts any
     */
    default void validateScope(Scope scope) {
    }
}
