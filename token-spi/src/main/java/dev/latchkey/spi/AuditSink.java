package dev.latchkey.spi;

import java.util.List;

/**
 * Receives audit events. The engine calls it for every lifecycle event and every refused authentication.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe; {@link #record(AuditEvent)} should return quickly (it may be on the request path of a
 *       refusal).</li>
 *   <li>A sink that fails throws a {@link LatchkeyException}; the engine logs it and carries on (an audit
 *       failure never turns a refusal into an accept, and never loses the caller's change).</li>
 * </ul>
 *
 * @since 0.1
 */
public interface AuditSink {
    /**
     * Records one event.
     *
     * @param event the event; never contains a token secret
     * @throws LatchkeyException if the sink failed (the engine logs it and carries on)
     */
    void record(AuditEvent event);

    /**
     * Records several events, in order. The engine writes refusals off the request thread in batches through
     * this method; a sink that can write a batch more cheaply (one transaction, one round trip) overrides it.
     * The default records them one by one. A failure may leave a prefix of the batch recorded.
     *
     * @param events the events, never null and without null elements
     */
    default void recordAll(List<AuditEvent> events) {
        for (AuditEvent e : events) {
            record(e);
        }
    }
}
