package dev.latchkey.core.internal.audit;

import dev.latchkey.core.AttemptLimiter;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.Credential;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.RefusalStats;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.TokenRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the engine writes to the audit log and the refusal path around it (issue 10, section 6):
 * lifecycle events written synchronously; refusals counted, charged to the client's failed-attempt budget,
 * aggregated per window when no token is known and queued for the background writer otherwise; the periodic
 * reports and summary.
 *
 * @since 0.1
 */
public final class Auditor {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    /** Distinct (address, reason) pairs aggregated per window before the "other sources" bucket takes over. */
    public static final int MAX_AGGREGATED_KEYS = 10_000;

    private final EngineSettings s;
    private final IntervalCounter auditFailures;
    private final IntervalCounter auditDropped;
    private final AsyncAuditor queue;
    private final RefusalAggregator aggregator;
    private final FailedAttemptLimiter limiter; // null when the host turned the limit off
    private final AttemptLimiter attemptLimiter;
    private final LongAdder[] refusalCounts = new LongAdder[RefusalReason.values().length];
    private final LongAdder rateLimitedCount = new LongAdder();
    private long lastSummaryMillis; // scheduler thread only
    private final long[] summarised = new long[RefusalReason.values().length]; // scheduler thread only

    public Auditor(EngineSettings s) {
        this.s = s;
        EngineSettings.Refusals rs = s.refusals();
        long windowMs = rs.window().toMillis();
        this.auditFailures = new IntervalCounter(LOG, "the audit sink failed; audit events lost", s.clock(), windowMs);
        this.auditDropped = new IntervalCounter(LOG, "the audit queue was full; refusal events dropped", s.clock(),
                windowMs);
        this.queue = new AsyncAuditor(s.audit(), rs.auditQueueCapacity(), auditDropped, auditFailures);
        this.aggregator = new RefusalAggregator(s.clock(), windowMs, MAX_AGGREGATED_KEYS, queue::offer);
        this.limiter = rs.failedAttempts() == 0 ? null : new FailedAttemptLimiter(s.clock(), rs.failedAttempts(),
                rs.failedPer(), FailedAttemptLimiter.DEFAULT_MAX_ADDRESSES);
        this.attemptLimiter = new AttemptLimiter() {
            @Override
            public Optional<Duration> admit(String clientIp) {
                Objects.requireNonNull(clientIp, "clientIp");
                long wait = limiter == null ? 0 : limiter.waitMillis(clientIp);
                if (wait == 0) {
                    return Optional.empty();
                }
                rateLimitedCount.increment();
                aggregator.add(safeText(clientIp), RefusalReason.RATE_LIMITED, "-", "-");
                return Optional.of(retryAfter(wait));
            }

            @Override
            public void failed(String clientIp) {
                Objects.requireNonNull(clientIp, "clientIp");
                if (limiter != null) {
                    limiter.failed(clientIp);
                }
            }
        };
        for (int i = 0; i < refusalCounts.length; i++) {
            refusalCounts[i] = new LongAdder();
        }
        this.lastSummaryMillis = s.clock().millis();
    }

    /** Whether a failed-attempt limit is in force at all. */
    public boolean limiting() {
        return limiter != null;
    }

    /** How long the address must wait before it is served again (0: not limited). */
    public long limitWaitMillis(String clientIp) {
        return limiter == null ? 0 : limiter.waitMillis(clientIp);
    }

    public static Duration retryAfter(long waitMillis) {
        return Duration.ofSeconds(Math.max(1, (waitMillis + 999) / 1000));
    }

    /** Counts, logs and aggregates a token refused because its address is limited. */
    public void rateLimited(RequestFacts request, Duration wait) {
        refusalCounts[RefusalReason.RATE_LIMITED.ordinal()].increment();
        rateLimitedCount.increment();
        if (LOG.isDebugEnabled()) {
            LOG.debug("refused a token on {} {} from {}: RATE_LIMITED for {} s", safeText(request.method()),
                    safeText(request.path()), safeText(request.clientIp()), wait.toSeconds());
        }
        aggregator.add(safeText(request.clientIp()), RefusalReason.RATE_LIMITED, safeText(request.method()),
                safeText(request.path()));
    }

    /**
     * The one place a token refusal is logged (one DEBUG line), counted, charged to the client's failed-attempt
     * budget and audited: without a known token folded into the per-window aggregate, with one queued as an
     * individual event. Neither writes on the request thread.
     */
    public void refused(RefusalReason reason, TokenRecord rec, Credential credential, RequestFacts request) {
        refusalCounts[reason.ordinal()].increment();
        if (limiter != null && reason.isFailedAttempt()) {
            limiter.failed(request.clientIp());
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("refused token {} on {} {} from {}: {}", rec == null ? "-" : rec.id(),
                    safeText(request.method()), safeText(request.path()), safeText(request.clientIp()), reason);
        }
        if (rec == null) {
            aggregator.add(safeText(request.clientIp()), reason, safeText(request.method()), safeText(request.path()));
            return;
        }
        // the actor of a refused attempt is unknown: the Basic user name is only a claim, so it goes into the
        // details and never into the actor field an auditor filters on
        Map<String, String> details = new HashMap<>(4);
        details.put("method", safeText(request.method()));
        details.put("path", safeText(request.path()));
        credential.basicUsername().ifPresent(u -> details.put("claimedUser", safeText(u)));
        queue.offer(new AuditEvent(AuditEventType.AUTHENTICATION_REFUSED, s.clock().instant(), "anonymous",
                Optional.of(rec.id()), Optional.of(rec.owner()), Optional.of(safeText(request.clientIp())),
                AuditOutcome.FAILURE, Optional.of(reason.name()), details));
    }

    /** Caller-supplied text for the audit log: this host's token shapes masked, bounded, escaped. */
    public String safeText(String text) {
        return SafeText.forAudit(text, s.format());
    }

    /**
     * Records a lifecycle or policy event synchronously, on the caller's thread. Deliberately not queued like
     * refusals: the event must be in the audit log before the API call that caused it returns (a queue may drop
     * on overflow and is lost on a crash), and lifecycle calls come from authenticated users at a human rate, so
     * they cannot be used to flood the log. A failing sink never undoes the caller's change; it is counted and
     * reported once per interval, not once per event.
     */
    public void audit(AuditEvent event) {
        try {
            s.audit().record(event);
        } catch (RuntimeException e) {
            auditFailures.add(1, event.type() + ": " + e);
        }
    }

    /** Queues a refusal event of an adapter (e.g. a refused password) for the background auditor. */
    public void auditRefusal(AuditEvent event) {
        queue.offer(Objects.requireNonNull(event, "event"));
    }

    /** Closes the open refusal window now and waits until the queued events reached the sink. */
    public boolean flushRefusals(long waitMillis) {
        aggregator.flush();
        return queue.awaitIdle(waitMillis);
    }

    public AttemptLimiter attemptLimiter() {
        return attemptLimiter;
    }

    public RefusalStats refusalStats() {
        long refusals = 0;
        for (LongAdder a : refusalCounts) {
            refusals += a.sum();
        }
        return new RefusalStats(refusals, rateLimitedCount.sum(), queue.queued(), queue.written(),
                queue.dropped(), auditFailures.total(), limiter == null ? 0 : limiter.trackedAddresses());
    }

    /** The periodic work of the refusal path: close due windows, report counters, log the summary. */
    public void tick() {
        aggregator.rollIfDue();
        if (limiter != null) {
            limiter.tick();
        }
        auditFailures.report();
        auditDropped.report();
        long now = s.clock().millis();
        if (now - lastSummaryMillis >= s.refusals().window().toMillis()) {
            summarise(now);
        }
    }

    private void summarise(long now) {
        StringBuilder b = new StringBuilder();
        long total = 0;
        for (RefusalReason r : RefusalReason.values()) {
            long n = refusalCounts[r.ordinal()].sum() - summarised[r.ordinal()];
            if (n > 0) {
                summarised[r.ordinal()] += n;
                total += n;
                b.append(b.length() == 0 ? "" : ", ").append(r).append('=').append(n);
            }
        }
        long seconds = Math.max(1, (now - lastSummaryMillis) / 1000);
        lastSummaryMillis = now;
        if (total > 0) {
            LOG.info("refused {} token attempts in the last {} s: {}", total, seconds, b);
        }
    }

    /** Writes the open window and everything queued before returning (waiting up to 10 s for a slow sink). */
    public void close() {
        aggregator.flush();
        queue.close(10_000);
        auditFailures.reportNow();
        auditDropped.reportNow();
    }
}
