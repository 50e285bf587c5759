package dev.latchkey.jdbc.internal;

import java.util.Locale;

/**
 * The PostgreSQL {@code LISTEN/NOTIFY} channel a store announces its committed changes on: the table prefix plus
 * {@code changes}, in lower case like the unquoted table names the schema creates ({@code latchkey_changes} by
 * default), so stores and listeners of one schema meet on one channel and other schemas stay apart.
 */
public final class ChangeChannel {
    private ChangeChannel() {
    }

    /**
     * @throws IllegalArgumentException if the prefix is not a valid table prefix
     */
    public static String name(String tablePrefix) {
        return TablePrefix.check(tablePrefix).toLowerCase(Locale.ROOT) + "changes";
    }
}
