package dev.latchkey.spi;

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
 */
public interface AuditSink {
    /**
     * Records one event.
     *
     * @param event the event; never contains a token secret
     * @throws LatchkeyException if the sink failed (the engine logs it and carries on)
     */
    void record(AuditEvent event);
}
