package dev.latchkey.core;

/**
 * Counters of the refusal path since the engine started, for metrics and health checks
 * ({@link Latchkey#refusalStats()}). A snapshot; each field is read separately, so they need not add up exactly.
 *
 * @param refusals          token attempts refused (all reasons, including {@code RATE_LIMITED})
 * @param rateLimited       attempts refused by the failed-attempt limit, token and adapter (password) ones
 * @param auditQueued       refusal events waiting in the audit queue now
 * @param auditWritten      refusal events the audit sink accepted
 * @param auditDropped      refusal events dropped because the audit queue was full
 * @param auditSinkFailures audit events lost because the sink failed (refusals and lifecycle events)
 * @param limitedAddresses  client addresses the failed-attempt limiter tracks now (bounded)
 *
 * @since 0.1
 */
public record RefusalStats(long refusals, long rateLimited, long auditQueued, long auditWritten, long auditDropped,
                           long auditSinkFailures, long limitedAddresses) {
}
