package dev.latchkey.spi;

/**
 * Whether a token acts as its owning user or as a service principal of its own.
 *
 * @since 0.1
 */
public enum TokenKind {
    /** Owned by a user, acts as that user, never does more than the user can. */
    PERSONAL,
    /** Bound to one resource (repository, project, workspace); acts as a distinct service principal. */
    SERVICE
}
