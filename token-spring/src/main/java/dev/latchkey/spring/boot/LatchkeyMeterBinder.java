package dev.latchkey.spring.boot;

import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.RefusalStats;
import dev.latchkey.spring.LatchkeyCounters;
import dev.latchkey.spring.LatchkeyMetricsSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Latchkey's Micrometer meters, read from a {@link LatchkeyMetricsSource} when scraped (nothing is done on the
 * request path beyond the source's counters):
 *
 * <ul>
 *   <li>{@code latchkey.decisions} (counter; tag {@code outcome}: allowed, invalid_request, invalid_token,
 *       insufficient_scope, rate_limited, unavailable, other);</li>
 *   <li>{@code latchkey.refusals} (counter; tag {@code reason}: the engine's precise refusal reason, counted as the
 *       audit log receives them);</li>
 *   <li>{@code latchkey.refusals.total}, {@code latchkey.rate.limited}, {@code latchkey.audit.written},
 *       {@code latchkey.audit.dropped}, {@code latchkey.audit.sink.failures} (counters) and
 *       {@code latchkey.audit.queue} (gauge), {@code latchkey.limiter.addresses} (gauge);</li>
 *   <li>when the source exposes them: {@code latchkey.cache.hit.ratio}, {@code latchkey.cluster.lag} (seconds),
 *       {@code latchkey.cluster.trusted} (1 or 0), {@code latchkey.cluster.live.nodes}.</li>
 * </ul>
 */
public final class LatchkeyMeterBinder implements MeterBinder {
    private final LatchkeyMetricsSource source;

    /** Meters over {@code source}. */
    public LatchkeyMeterBinder(LatchkeyMetricsSource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        LatchkeyCounters counters = source.counters();
        for (LatchkeyCounters.Outcome o : LatchkeyCounters.Outcome.values()) {
            FunctionCounter.builder("latchkey.decisions", counters, c -> c.decisions(o))
                    .tag("outcome", o.name().toLowerCase(Locale.ROOT))
                    .description("Latchkey decisions on requests presenting a token, by outcome")
                    .register(registry);
        }
        for (RefusalReason r : RefusalReason.values()) {
            FunctionCounter.builder("latchkey.refusals", counters, c -> c.refusals(r))
                    .tag("reason", r.name())
                    .description("Token refusals by precise reason (as audited; folded refusals when their window closes)")
                    .register(registry);
        }
        counter(registry, "latchkey.refusals.total", RefusalStats::refusals, "Token attempts refused, all reasons");
        counter(registry, "latchkey.rate.limited", RefusalStats::rateLimited, "Attempts refused by the failed-attempt limit");
        counter(registry, "latchkey.audit.written", RefusalStats::auditWritten, "Refusal events the audit sink accepted");
        counter(registry, "latchkey.audit.dropped", RefusalStats::auditDropped, "Refusal events dropped: the audit queue was full");
        counter(registry, "latchkey.audit.sink.failures", RefusalStats::auditSinkFailures, "Audit events lost: the sink failed");
        Gauge.builder("latchkey.audit.queue", source, s -> s.refusalStats().auditQueued())
                .description("Refusal events waiting for the audit sink").register(registry);
        Gauge.builder("latchkey.limiter.addresses", source, s -> s.refusalStats().limitedAddresses())
                .description("Client addresses the failed-attempt limiter tracks").register(registry);
        if (source.cacheHitRatio().isPresent()) {
            Gauge.builder("latchkey.cache.hit.ratio", source, s -> s.cacheHitRatio().orElse(Double.NaN))
                    .description("Token cache hit ratio").register(registry);
        }
        if (source.clusterState().isPresent()) {
            Gauge.builder("latchkey.cluster.lag", source,
                            s -> s.clusterState().map(c -> c.lag().toMillis() / 1000.0).orElse(Double.NaN))
                    .baseUnit("seconds").description("How far this node is behind the change feed").register(registry);
            Gauge.builder("latchkey.cluster.trusted", source,
                            s -> s.clusterState().map(c -> c.trusted() ? 1.0 : 0.0).orElse(Double.NaN))
                    .description("1 while this node trusts its caches (change feed within the bound)").register(registry);
            Gauge.builder("latchkey.cluster.live.nodes", source,
                            s -> s.clusterState().map(c -> (double) c.liveNodes()).orElse(Double.NaN))
                    .description("Nodes seen alive recently").register(registry);
        }
    }

    private void counter(MeterRegistry registry, String name, ToLongFunction<RefusalStats> f, String description) {
        FunctionCounter.builder(name, source, s -> f.applyAsLong(s.refusalStats())).description(description)
                .register(registry);
    }
}
