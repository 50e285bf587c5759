package dev.latchkey.spi.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The set-once rule of every builder option (Caffeine's style): a second call fails at once, naming the earlier
 * value, so a host that wires an option twice learns which of the two calls won nothing. Every builder of every
 * Latchkey module that depends on token-spi uses it (this package is exported to those modules only, not API); so
 * do the range checks of duration options.
 *
 * @since 0.1
 */
public final class SetOnce {
    private SetOnce() {
    }

    /**
     * Fails when {@code current} is already set.
     *
     * @param current the option's value now, null while unset; named in the message
     * @param option  the option's name
     * @throws IllegalStateException "option was already set to current"
     */
    public static void check(Object current, String option) {
        if (current != null) {
            throw new IllegalStateException(option + " was already set to " + current);
        }
    }

    /**
     * Fails when the option was already set, for an option whose field holds a default until it is set.
     *
     * @param alreadySet whether the option was set before
     * @param current    its value now, named in the message
     * @param option     the option's name
     * @throws IllegalStateException "option was already set to current"
     */
    public static void check(boolean alreadySet, Object current, String option) {
        if (alreadySet) {
            throw new IllegalStateException(option + " was already set to " + current);
        }
    }

    /**
     * The value of an option set for the first time: fails when {@code current} is already set (naming it), or
     * when {@code value} is null.
     *
     * @param <T>     the option's type
     * @param current the option's value now, null while unset
     * @param value   the value to set
     * @param option  the option's name
     * @return {@code value}
     * @throws IllegalStateException "option was already set to current"
     * @throws NullPointerException  naming {@code option} if {@code value} is null
     */
    public static <T> T set(T current, T value, String option) {
        check(current, option);
        return Objects.requireNonNull(value, option);
    }

    /**
     * As {@link #check(Object, String)}, for options whose value must never appear in a message (keys, peppers,
     * shared secrets).
     *
     * @param current the option's value now, null while unset; never named
     * @param option  the option's name
     * @throws IllegalStateException "option was already set"
     */
    public static void checkSecret(Object current, String option) {
        if (current != null) {
            throw new IllegalStateException(option + " was already set");
        }
    }

    /**
     * A duration option checked against its range.
     *
     * @param option the option's name
     * @param value  the duration given
     * @param min    the least duration accepted
     * @param max    the greatest duration accepted
     * @param range  the range as the message shows it, e.g. {@code "10ms..60s"}
     * @return {@code value}
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
     * @param option the option's name
     * @param value  the number given
     * @param min    the least number accepted
     * @param max    the greatest number accepted
     * @param range  the range as the message shows it, e.g. {@code "16..10000000"}
     * @return {@code value}
     * @throws IllegalArgumentException "option must be range, was value" outside {@code min..max}
     */
    public static long within(String option, long value, long min, long max, String range) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be " + range + ", was " + value);
        }
        return value;
    }
}
