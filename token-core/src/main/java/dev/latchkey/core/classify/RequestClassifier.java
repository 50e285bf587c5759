package dev.latchkey.core.classify;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.spi.Scope;

/**
 * Decides what a request needs from a token: the level, and the resource it acts on. "Safe" is decided here,
 * not by the HTTP method alone: a git fetch is a POST to {@code git-upload-pack} and needs only READ.
 *
 * <p>Implementations are thread-safe and pure. A request that cannot be classified must throw
 * {@link UnclassifiableRequestException} (the engine refuses it) — never guess low.
 */
public interface RequestClassifier {

    /** What {@code request} needs. */
    Requirement classify(RequestFacts request);

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
