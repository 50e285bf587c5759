package dev.latchkey.spring;

import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.TokenInfo;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditSink;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the metrics report and core does not count itself: decisions by outcome (from
 * {@link LatchkeySecurityFilter}) and token refusals by precise reason (from the refusal audit events, see
 * {@link #countingSink}). Free of any metrics library; Micrometer reads it. Thread-safe.
 */
public final class LatchkeyCounters implements DecisionListener {
    /** The outcomes {@link #decisions()} reports. */
    public enum Outcome {
        /** A token was accepted. */
        ALLOWED(0),
        /** 400: broken or several credentials. */
        INVALID_REQUEST(400),
        /** 401: bad token (or a password where passwords are disabled). */
        INVALID_TOKEN(401),
        /** 403: the token's scope (or the allowlist) does not allow the request. */
        INSUFFICIENT_SCOPE(403),
        /** 429: the client address failed too often. */
        RATE_LIMITED(429),
        /** 503: the store could not be reached. */
        UNAVAILABLE(503),
        /** Any other status (none is expected). */
        OTHER(-1);

        private final int status;

        Outcome(int status) {
            this.status = status;
        }

        static Outcome ofStatus(int status) {
            for (Outcome o : values()) {
                if (o.status == status && o != ALLOWED) {
                    return o;
                }
            }
            return OTHER;
        }
    }

    private final Map<Outcome, LongAdder> decisions = new EnumMap<>(Outcome.class);
    private final Map<RefusalReason, LongAdder> refusals = new EnumMap<>(RefusalReason.class);

    /** Counters at zero. */
    public LatchkeyCounters() {
        for (Outcome o : Outcome.values()) {
            decisions.put(o, new LongAdder());
        }
        for (RefusalReason r : RefusalReason.values()) {
            refusals.put(r, new LongAdder());
        }
    }

    @Override
    public void allowed(TokenInfo token) {
        decisions.get(Outcome.ALLOWED).increment();
    }

    @Override
    public void refused(int status) {
        decisions.get(Outcome.ofStatus(status)).increment();
    }

    /** Decisions so far, by outcome (every outcome present). */
    public Map<Outcome, Long> decisions() {
        Map<Outcome, Long> m = new LinkedHashMap<>();
        decisions.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** How many decisions had this outcome. */
    public long decisions(Outcome outcome) {
        return decisions.get(Objects.requireNonNull(outcome, "outcome")).sum();
    }

    /**
     * Token refusals so far with this reason, as the audit log got them: refusals naming no known token are folded
     * into one event per window by the engine, so they show here when their window closes (at most
     * {@code refusalWindow}, 60 s by default, late).
     */
    public long refusals(RefusalReason reason) {
        return refusals.get(Objects.requireNonNull(reason, "reason")).sum();
    }

    /** {@code sink} with refusal events counted on their way to it; what the engine should be built with. */
    public AuditSink countingSink(AuditSink sink) {
        Objects.requireNonNull(sink, "sink");
        return event -> {
            count(event);
            sink.record(event);
        };
    }

    private void count(AuditEvent event) {
        if (event.type() != AuditEventType.AUTHENTICATION_REFUSED || event.reason().isEmpty()) {
            return;
        }
        RefusalReason reason;
        try {
            reason = RefusalReason.valueOf(event.reason().get());
        } catch (IllegalArgumentException e) {
            return; // an adapter's own reason (e.g. a refused password), not a token decision
        }
        long n = 1;
        String count = event.details().get("count");
        if (count != null) {
            try {
                n = Math.max(1, Long.parseLong(count));
            } catch (NumberFormatException e) {
                n = 1;
            }
        }
        refusals.get(reason).add(n);
    }

    @Override
    public String toString() {
        return "LatchkeyCounters[decisions=" + decisions() + "]";
    }
}
