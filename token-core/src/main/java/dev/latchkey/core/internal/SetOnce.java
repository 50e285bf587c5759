package dev.latchkey.core.internal;

/**
 * The set-once rule of every builder option (Caffeine's style): a second call fails at once, naming the earlier
 * value, so a host that wires an option twice learns which of the two calls won nothing.
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

    /** As {@link #check}, for options whose value must never appear in a message (keys, peppers). */
    public static void checkSecret(Object current, String option) {
        if (current != null) {
            throw new IllegalStateException(option + " was already set");
        }
    }
}
