package dev.latchkey.jdbc.internal;

import java.util.Objects;
import java.util.regex.Pattern;

/** Validates table prefixes: they are spliced into SQL text, so only a strict identifier pattern is allowed. */
public final class TablePrefix {
    /** The prefix the schema scripts are written with. */
    public static final String DEFAULT = "latchkey_";

    private static final Pattern VALID = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,30}");

    private TablePrefix() {
    }

    /**
     * @throws IllegalArgumentException if the prefix does not match {@code [A-Za-z][A-Za-z0-9_]{0,30}}
     */
    public static String check(String prefix) {
        Objects.requireNonNull(prefix, "tablePrefix");
        if (!VALID.matcher(prefix).matches()) {
            throw new IllegalArgumentException("tablePrefix must match [A-Za-z][A-Za-z0-9_]{0,30} (a letter, then up to 30"
                    + " letters, digits or underscores), was " + describe(prefix));
        }
        return prefix;
    }

    private static String describe(String prefix) {
        if (prefix.length() > 40) {
            return "a " + prefix.length() + "-character string";
        }
        return "\"" + prefix.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
    }
}
