package dev.latchkey.core.internal.audit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.latchkey.core.internal.CidrSet;
import inet.ipaddr.IPAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket of failures per client address: {@code failures} may fail within {@code per}, refilled evenly
 * over {@code per}; an address with less than one failure left is limited until the next one refills.
 *
 * <p>Memory is bounded by a Caffeine cache of at most {@code maxAddresses} buckets: when full it evicts (its
 * frequency sketch keeps the busiest addresses, so a spray of one-off addresses does not flush out an active
 * attacker), and a bucket idle for {@code per} is dropped because it would be full again anyway. IPv6 addresses
 * are counted per /64, the block one subscriber usually holds, so rotating through one's own /64 gains nothing.
 *
 * @since 0.1
 */
public final class FailedAttemptLimiter {
    public static final int DEFAULT_MAX_ADDRESSES = 100_000;

    private final Clock clock;
    private final double capacity;
    private final double perMillis;
    private final Cache<String, Bucket> buckets;
    /**
     * The latest time any address was limited until, or 0 when none is: lets the valid-token hot path skip the
     * cache probe with one volatile read while nobody is limited (the usual case). Reset by {@link #tick()}.
     */
    private final AtomicLong limitedUntil = new AtomicLong();

    public FailedAttemptLimiter(Clock clock, int failures, Duration per, long maxAddresses) {
        this.clock = clock;
        this.capacity = failures;
        this.perMillis = per.toMillis();
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.buckets = Caffeine.newBuilder().ticker(ticker).executor(Runnable::run).maximumSize(maxAddresses)
                .expireAfterAccess(per).build();
    }

    /** Milliseconds until {@code clientIp} may try again; 0 when it may try now. Counts nothing. */
    public long waitMillis(String clientIp) {
        if (limitedUntil.get() == 0) {
            return 0;
        }
        Bucket b = buckets.getIfPresent(key(clientIp));
        return b == null ? 0 : b.waitMillis(clock.millis());
    }

    public void failed(String clientIp) {
        long now = clock.millis();
        long wait = buckets.get(key(clientIp), k -> new Bucket(capacity, now)).take(now);
        if (wait > 0) {
            limitedUntil.accumulateAndGet(now + wait, Math::max);
        }
    }

    /** Clears the "somebody is limited" mark once every limit has run out (called about once a second). */
    public void tick() {
        long until = limitedUntil.get();
        if (until != 0 && clock.millis() >= until) {
            // fails harmlessly if an address was limited meanwhile: the mark then stays
            limitedUntil.compareAndSet(until, 0);
        }
    }

    public long trackedAddresses() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    /** The bucket key: the address as sent for IPv4 and unknown (empty), the /64 for IPv6. */
    public static String key(String clientIp) {
        if (clientIp.indexOf(':') < 0) {
            return clientIp;
        }
        Optional<IPAddress> ip = CidrSet.parseClientIp(clientIp);
        if (ip.isEmpty()) {
            return clientIp;
        }
        IPAddress a = ip.get();
        return a.isIPv4() ? a.toCanonicalString() : a.toPrefixBlock(64).toCanonicalString();
    }

    private final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        private void refill(long now) {
            if (now > updated) {
                tokens = Math.min(capacity, tokens + (now - updated) * capacity / perMillis);
                updated = now;
            }
        }

        /** Takes one failure; returns how long the address is now limited for (0 if not). */
        synchronized long take(long now) {
            refill(now);
            tokens = Math.max(0, tokens - 1);
            return waitFor();
        }

        synchronized long waitMillis(long now) {
            refill(now);
            return waitFor();
        }

        private long waitFor() {
            if (tokens >= 1) {
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) * perMillis / capacity));
        }
    }

    @Override
    public String toString() {
        return (long) capacity + " failures per " + Duration.ofMillis((long) perMillis);
    }
}
