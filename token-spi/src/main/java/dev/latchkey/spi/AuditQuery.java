package dev.latchkey.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A query over the audit log; filters are optional and combine with AND. Results are newest first (ties by
 * insertion order, newest first).
 *
 * @param from    inclusive lower bound of {@code at}
 * @param to      exclusive upper bound of {@code at}
 * @param actor   equal
 * @param tokenId equal
 * @param owner   equal to the token owner
 * @param type    equal
 * @param outcome equal
 * @param page    zero-based
 * @param size    1 to {@link TokenQuery#MAX_PAGE_SIZE}
 *
 * @since 0.1
 */
public record AuditQuery(
        Optional<Instant> from,
        Optional<Instant> to,
        Optional<String> actor,
        Optional<String> tokenId,
        Optional<String> owner,
        Optional<AuditEventType> type,
        Optional<AuditOutcome> outcome,
        int page,
        int size) {

    /**
     * Checks and normalises the components; see the record description for each one's meaning.
     *
     * @param from    inclusive lower bound of {@code at}
     * @param to      exclusive upper bound of {@code at}
     * @param actor   equal
     * @param tokenId equal
     * @param owner   equal to the token owner
     * @param type    equal
     * @param outcome equal
     * @param page    zero-based
     * @param size    1 to {@link TokenQuery#MAX_PAGE_SIZE}
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if a component is out of range (the message says which)
     */
    public AuditQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(outcome, "outcome");
        if (page < 0) {
            throw new IllegalArgumentException("page must be >= 0, was " + page);
        }
        if (size < 1 || size > TokenQuery.MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("size must be between 1 and " + TokenQuery.MAX_PAGE_SIZE + ", was " + size);
        }
    }

    /**
     * Everything, first page of 50.
     *
     * @return a query with no filter
     */
    public static AuditQuery all() {
        return new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 0, 50);
    }
}
