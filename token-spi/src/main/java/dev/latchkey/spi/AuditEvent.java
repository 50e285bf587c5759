package dev.latchkey.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One audit-log entry. Never contains a token secret (the engine never passes one, and a sink must not add
 * one).
 *
 * @param type       what happened
 * @param at         when
 * @param actor      who did it (user name, {@code anonymous} for a refused authentication, or {@code system})
 * @param tokenId    the token concerned, if any
 * @param tokenOwner the owner of that token, if known
 * @param clientIp   the client IP, if the action came from a request
 * @param outcome    success or failure
 * @param reason     for a failure, the precise reason (e.g. {@code REVOKED}); empty on success
 * @param details    further non-secret facts (e.g. {@code level}, {@code createdBy}, changed settings)
 *
 * @since 0.1
 */
public record AuditEvent(
        AuditEventType type,
        Instant at,
        String actor,
        Optional<String> tokenId,
        Optional<String> tokenOwner,
        Optional<String> clientIp,
        AuditOutcome outcome,
        Optional<String> reason,
        Map<String, String> details) {

    /**
     * Checks and normalises the components; see the record description for each one's meaning.
     *
     * @param type       what happened
     * @param at         when
     * @param actor      who did it (user name, {@code anonymous} for a refused authentication, or {@code system})
     * @param tokenId    the token concerned, if any
     * @param tokenOwner the owner of that token, if known
     * @param clientIp   the client IP, if the action came from a request
     * @param outcome    success or failure
     * @param reason     for a failure, the precise reason (e.g. {@code REVOKED}); empty on success
     * @param details    further non-secret facts (e.g. {@code level}, {@code createdBy}, changed settings)
     * @throws NullPointerException if a component is null
     */
    public AuditEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(tokenOwner, "tokenOwner");
        Objects.requireNonNull(clientIp, "clientIp");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        details = Map.copyOf(new TreeMap<>(Objects.requireNonNull(details, "details")));
    }
}
