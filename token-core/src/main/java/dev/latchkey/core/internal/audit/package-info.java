/**
 * The audit path: synchronous lifecycle events and the refusal path of issue 10 section 6 ({@code Auditor},
 * the async queue, the per-window aggregation, the failed-attempt limiter, interval counters). Not exported.
 */
package dev.latchkey.core.internal.audit;
