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

    /** What {@code request} needs. */
    Requirement classify(RequestFacts request);

    /**
     * Whether the classifier must see the body of a request with this method and path (e.g. a Git LFS batch
     * request, whose JSON says download or upload). Hosts buffer a bounded prefix of the body only for these
     * requests and offer it through {@link RequestFacts#body()}. Runs on every request: keep it cheap.
     */
    default boolean needsBody(String method, String path) {
        return false;
    }

    /**
     * The canonical name of a resource as tokens store it (e.g. upper-case project key), or a
     * {@link dev.latchkey.core.ValidationException} naming {@code resources} if it is not a valid name.
     */
    default String canonicalResource(String resource) {
        return resource;
    }

    /** Checks domain-specific scope rules (e.g. repository level at least project level). */
    default void validateScope(Scope scope) {
    }
}
