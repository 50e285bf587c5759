package dev.latchkey.core.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The set-once rule of every builder option (Caffeine's style): a second call fails at once, naming the earlier
 * value, so a host that wires an option twice learns which of the two calls won nothing. Every builder in
 * token-core uses it; so do the range checks of duration options.
 */
public final class SetOnce {
    private SetOnce() {
    }

    /**
     * Fails when {@code current} is already set.
     *
     * @throws IllegalStateException "option was already set to current"
     */
    public static void check(Object current, String option) {
        if (current != null) {
            throw new IllegalStateException(option + " was already set to " + current);
        }
    }

    /**
     * The value of an option set for the first time: fails when {@code current} is already set (naming it), or
     * when {@code value} is null.
     *
     * @throws IllegalStateException "option was already set to current"
     * @throws NullPointerException  naming {@code option} if {@code value} is null
     */
    public static <T> T set(T current, T value, String option) {
        check(current, option);
        return Objects.requireNonNull(value, option);
    }

    /** As {@link #check}, for options whose value must never appear in a message (keys, peppers). */
    public static void checkSecret(Object current, String option) {
        if (current != null) {
            throw new IllegalStateException(option + " was already set");
        }
    }

    /**
     * A duration option checked against its range.
     *
     * @param range the range as the message shows it, e.g. {@code "10ms..60s"}
     * @throws NullPointerException     naming {@code option} if {@code value} is null
     * @throws IllegalArgumentException "option must be range, was value" outside {@code min..max}
     */
    public static Duration within(String option, Duration value, Duration min, Duration max, String range) {
        Objects.requireNonNull(value, option);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(option + " must be " + range + ", was " + value);
        }
        return value;
    }

    /**
     * A numeric option checked against its range.
     *
     * @param range the range as the message shows it, e.g. {@code "16..10000000"}
     * @throws IllegalArgumentException "option must be range, was value" outside {@code min..max}
     */
    public static long within(String option, long value, long min, long max, String range) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be " + range + ", was " + value);
        }
        return value;
    }
}
