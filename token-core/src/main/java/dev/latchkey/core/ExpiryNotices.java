package dev.latchkey.core;

import dev.latchkey.spi.internal.SetOnce;
import dev.latchkey.spi.Notice;
import dev.latchkey.spi.NoticeKind;
import dev.latchkey.spi.NoticeLedger;
import dev.latchkey.spi.Notifier;
import dev.latchkey.spi.Page;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;
import dev.latchkey.spi.TokenSort;
import dev.latchkey.spi.TokenState;
import dev.latchkey.spi.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The expiry-notice sweep: tells owners that a token expires within 60, 30 and 7 days (configurable). Each
 * notice is claimed in the store's {@link NoticeLedger} before it is sent, so it goes out once however many
 * nodes sweep the same store and however often they restart; a token first seen inside a shorter window gets only
 * that window's notice. Run {@link #runOnce()} from the host's scheduler or {@link #schedule}. Time comes from
 * the injected clock. Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class ExpiryNotices {
    private static final Logger LOG = LoggerFactory.getLogger(ExpiryNotices.class);
    private final TokenStore store;
    private final NoticeLedger ledger;
    private final Notifier notifier;
    private final Clock clock;
    private final List<Duration> thresholds; // ascending

    private ExpiryNotices(Builder b) {
        this.store = b.store;
        this.ledger = b.ledger != null ? b.ledger : (NoticeLedger) b.store;
        this.notifier = b.notifier != null ? b.notifier : new Slf4jNotifier();
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        List<Duration> t = new ArrayList<>(b.thresholds != null ? b.thresholds
                : List.of(Duration.ofDays(60), Duration.ofDays(30), Duration.ofDays(7)));
        t.sort(Comparator.naturalOrder());
        this.thresholds = List.copyOf(t);
    }

    /**
     * A new builder over {@code store} (which must be a {@link NoticeLedger} unless one is given).
     *
     * @param store the store whose active tokens are swept
     * @return a builder with the default ledger, notifier, clock and thresholds
     * @throws NullPointerException if {@code store} is null
     */
    public static Builder builder(TokenStore store) {
        return new Builder(Objects.requireNonNull(store, "store"));
    }

    /**
     * One sweep: every active token expiring within the longest threshold gets the notice of the shortest
     * threshold it is within, if nobody claimed that notice before.
     *
     * @return how many notices this call sent
     * @throws dev.latchkey.spi.StoreUnavailableException if the store failed (nothing more is sent this round)
     */
    public int runOnce() {
        Instant now = clock.instant();
        Duration longest = thresholds.get(thresholds.size() - 1);
        int sent = 0;
        for (int page = 0; ; page++) {
            Page<TokenRecord> p = store.query(TokenQuery.builder(now).state(TokenState.ACTIVE)
                    .expiresBefore(now.plus(longest).plusMillis(1)).sort(TokenSort.CREATED_AT, false)
                    .page(page).size(TokenQuery.MAX_PAGE_SIZE).build());
            for (TokenRecord r : p.items()) {
                sent += consider(r, now) ? 1 : 0;
            }
            if (p.items().size() < TokenQuery.MAX_PAGE_SIZE) {
                return sent;
            }
        }
    }

    private boolean consider(TokenRecord r, Instant now) {
        if (r.expiresAt().isEmpty() || r.state(now) != TokenState.ACTIVE) {
            return false;
        }
        Instant expires = r.expiresAt().get();
        Duration left = Duration.between(now, expires);
        for (Duration t : thresholds) {
            if (left.compareTo(t) <= 0) {
                long days = t.toDays();
                // the expiry is part of the key: a token whose expiry moved is told again about the new date
                String key = "expiring-" + (days > 0 ? days + "d" : t.toSeconds() + "s") + "@" + expires.toEpochMilli();
                if (!ledger.claim(r.id(), key, now)) {
                    return false;
                }
                send(new Notice(NoticeKind.EXPIRING, now, r.owner(), r.id(), "system", Map.of(
                        "daysLeft", Long.toString(left.toDays()), "expiresAt", expires.toString(),
                        "threshold", t.toString(), "name", r.name(), "hint", r.hint())));
                return true;
            }
        }
        return false;
    }

    private void send(Notice n) {
        try {
            notifier.send(n);
        } catch (RuntimeException e) {
            // the claim stands: a second copy later is worse than one lost mail, which the log shows
            LOG.warn("could not send expiry notice about token {} to {}: {}", n.tokenId(), n.owner(), e.toString());
        }
    }

    /**
     * Runs {@link #runOnce()} every {@code every} on {@code executor}; failures are logged and retried next time.
     *
     * @param executor the executor that runs the sweeps; the caller owns and shuts it down
     * @param every    the pause from the end of one sweep to the start of the next, at least 1 s; the first
     *                 sweep runs at once
     * @return the scheduled task; cancel it to stop sweeping
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code every} is shorter than 1 s
     */
    public ScheduledFuture<?> schedule(ScheduledExecutorService executor, Duration every) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(every, "every");
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("every must be at least 1s, was " + every);
        }
        return executor.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                LOG.warn("expiry notice sweep failed; retrying in {}: {}", every, e.toString());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Configures {@link ExpiryNotices}. Each option may be set once. Not thread-safe. */
    public static final class Builder {
        private final TokenStore store;
        private NoticeLedger ledger;
        private Notifier notifier;
        private Clock clock;
        private List<Duration> thresholds;

        private Builder(TokenStore store) {
            this.store = store;
        }

        /**
         * Where claims are recorded. Default: the store, when it is a {@link NoticeLedger}.
         *
         * @param ledger the ledger that makes each notice go out once
         * @return this builder
         * @throws NullPointerException  if {@code ledger} is null
         * @throws IllegalStateException if already set
         */
        public Builder ledger(NoticeLedger ledger) {
            this.ledger = SetOnce.set(this.ledger, ledger, "ledger");
            return this;
        }

        /**
         * Who sends the notices. Default: {@link Slf4jNotifier}.
         *
         * @param notifier the notifier for token owners
         * @return this builder
         * @throws NullPointerException  if {@code notifier} is null
         * @throws IllegalStateException if already set
         */
        public Builder notifier(Notifier notifier) {
            this.notifier = SetOnce.set(this.notifier, notifier, "notifier");
            return this;
        }

        /**
         * The clock. Default: the system UTC clock.
         *
         * @param clock the clock that says what "now" is
         * @return this builder
         * @throws NullPointerException  if {@code clock} is null
         * @throws IllegalStateException if already set
         */
        public Builder clock(Clock clock) {
            this.clock = SetOnce.set(this.clock, clock, "clock");
            return this;
        }

        /**
         * How long before expiry owners are told. Default 60, 30 and 7 days.
         *
         * @param thresholds the times before expiry at which owners are told, each positive, none repeated
         * @return this builder
         * @throws IllegalArgumentException if empty, or a threshold is not positive, or one repeats
         * @throws NullPointerException  if {@code thresholds} or one of them is null
         * @throws IllegalStateException if already set
         */
        public Builder thresholds(List<Duration> thresholds) {
            SetOnce.check(this.thresholds, "thresholds");
            Objects.requireNonNull(thresholds, "thresholds");
            if (thresholds.isEmpty()) {
                throw new IllegalArgumentException("thresholds must not be empty; the default is 60, 30 and 7 days");
            }
            for (Duration d : thresholds) {
                if (Objects.requireNonNull(d, "threshold").isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("thresholds must be positive, was " + d);
                }
            }
            if (Set.copyOf(thresholds).size() != thresholds.size()) {
                throw new IllegalArgumentException("thresholds repeat: " + thresholds);
            }
            this.thresholds = List.copyOf(thresholds);
            return this;
        }

        /**
         * The sweep.
         *
         * @return the sweep, not yet scheduled
         * @throws IllegalStateException if no ledger was set and the store is not a {@link NoticeLedger}
         */
        public ExpiryNotices build() {
            if (ledger == null && !(store instanceof NoticeLedger)) {
                throw new IllegalStateException("the store " + store.getClass().getSimpleName() + " records no "
                        + "notices (not a NoticeLedger); set ledger(...) so each notice goes out once");
            }
            return new ExpiryNotices(this);
        }
    }
}
