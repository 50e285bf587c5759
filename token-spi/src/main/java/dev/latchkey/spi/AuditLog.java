package dev.latchkey.spi;

/**
 * An {@link AuditSink} that can also be queried (the token manager's audit view).
 *
 * <h2>Contract</h2> Everything recorded is returned by a matching query, newest first; nothing recorded is
 * lost under concurrent writers; query filters follow {@link AuditQuery}.
 *
 * @since 0.1
 */
public interface AuditLog extends AuditSink {
    /**
     * The page of events matching {@code query}, newest first.
     *
     * @param query the filters and the page wanted
     * @return that page, with the total number of matching events
     * @throws StoreUnavailableException if the storage failed
     */
    Page<AuditEvent> query(AuditQuery query);
}
