package dev.latchkey.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a store's change feed: something that affects authentication changed. Nodes of a cluster
 * poll the feed ({@link ChangeFeed#changesSince(long, int)}) and drop what they cached for it.
 *
 * @param sequence strictly increasing across the whole store
 * @param type     what changed
 * @param tokenId  the token, for {@link Type#TOKEN}
 * @param digest   the token's digest, for {@link Type#TOKEN} (cache key; not secret)
 * @param at       when the change was written
 *
 * @since 0.1
 */
public record ChangeEvent(long sequence, Type type, Optional<String> tokenId, Optional<String> digest, Instant at) {

    /** What a change event is about. */
    public enum Type {
        /** A token was created, updated, rotated or revoked. */
        TOKEN,
        /** The policy changed. */
        POLICY
    }

    /**
     * Checks and normalises the components; see the record description for each one's meaning.
     *
     * @param sequence strictly increasing across the whole store
     * @param type     what changed
     * @param tokenId  the token, for {@link Type#TOKEN}
     * @param digest   the token's digest, for {@link Type#TOKEN} (cache key; not secret)
     * @param at       when the change was written
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if a component is out of range (the message says which)
     */
    public ChangeEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(at, "at");
        if (type == Type.TOKEN && (tokenId.isEmpty() || digest.isEmpty())) {
            throw new IllegalArgumentException("a TOKEN change event needs the token id and digest");
        }
    }
}
