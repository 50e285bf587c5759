package dev.latchkey.servlet.internal;

/**
 * The set-once rule of every option of this module's builders, worded as the engine's builder words it: a second
 * call fails at once, naming the earlier value, so a host that wires an option twice learns which call won nothing.
 * (The engine's own helper lives in a package token-core does not export.)
 */
public final class BuilderOptions {
    private BuilderOptions() {
    }

    /**
     * Fails when {@code current} is already set.
     *
     * @throws IllegalStateException "option was already set to current"
     */
    public static void once(Object current, String option) {
        if (current != null) {
            throw new IllegalStateException(option + " was already set to " + current);
        }
    }
}
