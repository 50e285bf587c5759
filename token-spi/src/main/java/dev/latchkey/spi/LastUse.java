package dev.latchkey.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One observed use of a token: when and from which client IP. Usage statistics are kept apart from
 * credentials and recorded in batches ({@link TokenStore#recordLastUse(java.util.Collection)}).
 *
 * @param tokenId  the token's public id
 * @param at       when it was used
 * @param clientIp the client IP the engine resolved (textual, canonical form)
 *
 * @since 0.1
 */
public record LastUse(String tokenId, Instant at, String clientIp) {
    /**
     * Checks and normalises the components; see the record description for each one's meaning.
     *
     * @param tokenId  the token's public id
     * @param at       when it was used
     * @param clientIp the client IP the engine resolved (textual, canonical form)
     * @throws NullPointerException if a component is null
     */
    public LastUse {
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(clientIp, "clientIp");
    }
}
