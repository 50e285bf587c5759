package dev.latchkey.spring.boot;

import dev.latchkey.core.ClusterState;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.RefusalStats;
import dev.latchkey.spring.LatchkeyCounters;
import dev.latchkey.spring.LatchkeyMetricsSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
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
 *   <li>{@code latchkey.cache.gets} (counter; tag {@code result}: hit, miss) and {@code latchkey.cache.hit.ratio}
 *       (gauge, NaN before the first lookup): token lookups on the hot path;</li>
 *   <li>{@code latchkey.store.reads} (function timer: count and total time of the store reads token lookups made)
 *       and {@code latchkey.store.read.failures} (counter);</li>
 *   <li>{@code latchkey.cluster.trusted} (1 while this node trusts its caches, 0 when trust is lost),
 *       {@code latchkey.cluster.lag} and {@code latchkey.cluster.bound} (seconds: age of the last complete read of
 *       the change feed, and the staleness bound; 0 on a single node), {@code latchkey.cluster.live.nodes},
 *       {@code latchkey.cluster.mode} (tag {@code mode}: single_node, following, following_despite_single_node;
 *       1 for this node's mode, 0 for the others).</li>
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
        FunctionCounter.builder("latchkey.cache.gets", source, s -> s.stats().cacheHits()).tag("result", "hit")
                .description("Token lookups answered from the cache").register(registry);
        FunctionCounter.builder("latchkey.cache.gets", source, s -> s.stats().cacheMisses()).tag("result", "miss")
                .description("Token lookups that waited for a store read (not cached, or the cache not trusted)")
                .register(registry);
        Gauge.builder("latchkey.cache.hit.ratio", source, s -> s.stats().cacheHitRatio())
                .description("Share of token lookups answered from the cache").register(registry);
        FunctionTimer.builder("latchkey.store.reads", source, s -> s.stats().storeReads(),
                        s -> s.stats().storeReadTime().toNanos(), TimeUnit.NANOSECONDS)
                .description("Store reads made for token lookups, and the time they took").register(registry);
        FunctionCounter.builder("latchkey.store.read.failures", source, s -> s.stats().storeReadFailures())
                .description("Store reads for token lookups that failed").register(registry);
        Gauge.builder("latchkey.cluster.trusted", source, s -> s.clusterState().trusted() ? 1.0 : 0.0)
                .description("1 while this node trusts its caches (change feed read within the bound), 0 when trust "
                        + "is lost and every token request reads the store").register(registry);
        Gauge.builder("latchkey.cluster.lag", source, s -> seconds(s.clusterState().lag()))
                .baseUnit("seconds").description("Age of this node's last complete read of the change feed")
                .register(registry);
        Gauge.builder("latchkey.cluster.bound", source, s -> seconds(s.clusterState().bound()))
                .baseUnit("seconds").description("The staleness bound this node keeps (0 on a single node)")
                .register(registry);
        Gauge.builder("latchkey.cluster.live.nodes", source, s -> s.clusterState().liveNodes().size())
                .description("Nodes that sent a heartbeat to the store recently (0: the store keeps no registry)")
                .register(registry);
        for (ClusterState.Mode m : ClusterState.Mode.values()) {
            Gauge.builder("latchkey.cluster.mode", source, s -> s.clusterState().mode() == m ? 1.0 : 0.0)
                    .tag("mode", m.name().toLowerCase(Locale.ROOT))
                    .description("1 for the way this node keeps its caches in step with the store").register(registry);
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private void counter(MeterRegistry registry, String name, ToLongFunction<RefusalStats> f, String description) {
        FunctionCounter.builder(name, source, s -> f.applyAsLong(s.refusalStats())).description(description)
                .register(registry);
    }
}
