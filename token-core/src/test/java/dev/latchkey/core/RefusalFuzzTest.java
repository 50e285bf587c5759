package dev.latchkey.core;

import dev.latchkey.core.internal.audit.FailedAttemptLimiter;
import dev.latchkey.core.internal.audit.RefusalAggregator;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.spi.AuditEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Invariants of the refusal path under arbitrary sequences of client addresses, reasons and clock steps:
 * aggregation never loses or invents a count and stays within its key cap per window; the limiter's wait is
 * bounded, a quiet address is admitted again, and its memory stays within its bound.
 *
 * <p>{@code mvn verify} fuzzes it for a short fixed time in its own JVM (execution {@code fuzz-refusal}).
 */
class RefusalFuzzTest {
    private static final int CAP = 8;
    private static final RefusalReason[] REASONS = RefusalReason.values();

    @FuzzTest(maxDuration = "10s")
    void refusalPathWhenArbitraryAddressesReasonsAndClockStepsThenCountsExactAndMemoryBounded(FuzzedDataProvider data) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        List<AuditEvent> out = new ArrayList<>();
        RefusalAggregator agg = new RefusalAggregator(clock, 1000, CAP, out::add);
        FailedAttemptLimiter limiter = new FailedAttemptLimiter(clock, 3, Duration.ofSeconds(1), 16);
        Set<String> sent = new HashSet<>();
        long adds = 0;
        int steps = data.consumeInt(0, 300);
        for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
            String ip = data.consumeBoolean() ? "10.0.0." + data.consumeInt(0, 40) : data.consumeString(50);
            switch (data.consumeInt(0, 3)) {
                case 0 -> {
                    agg.add(ip, REASONS[data.consumeInt(0, REASONS.length - 1)], "GET", "/");
                    sent.add(ip);
                    adds++;
                }
                case 1 -> limiter.failed(ip);
                case 2 -> {
                    long wait = limiter.waitMillis(ip);
                    assertThat(wait).isBetween(0L, 1000L);
                }
                default -> clock.advance(Duration.ofMillis(data.consumeInt(0, 1500)));
            }
            assertThat(agg.currentKeys()).isLessThanOrEqualTo(CAP + REASONS.length);
        }
        String probe = "192.0.2.1";
        limiter.failed(probe);
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.waitMillis(probe)).isZero();
        assertThat(limiter.trackedAddresses()).isLessThanOrEqualTo(16);

        agg.flush();
        long counted = 0;
        Map<String, Integer> perWindow = new HashMap<>();
        for (AuditEvent e : out) {
            counted += Long.parseLong(e.details().get("count"));
            perWindow.merge(e.details().get("windowStart"), 1, Integer::sum);
            assertThat(e.clientIp().isEmpty() || sent.contains(e.clientIp().get())).isTrue();
        }
        assertThat(counted).isEqualTo(adds);
        assertThat(perWindow.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(CAP + REASONS.length));
    }
}
