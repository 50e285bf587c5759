package dev.latchkey.jdbc.internal;

import dev.latchkey.spi.WellFormedText;

/** Checks text before it reaches a column: length limits and characters no supported database can store. */
public final class Text {
    private Text() {
    }

    /**
     * @throws IllegalArgumentException if {@code value} is longer than {@code max} UTF-16 units, contains NUL
     *                                  (PostgreSQL rejects it) or an unpaired surrogate (not encodable as UTF-8)
     */
    public static String check(String field, String value, int max) {
        if (value.length() > max) {
            throw new IllegalArgumentException(field + " is " + value.length() + " characters; the JDBC store keeps at most " + max);
        }
        checkCharacters(field, value);
        return value;
    }

    /** Like {@link #check} without a length limit (for encoded lists and maps, whose NULs are escaped). */
    public static String checkCharacters(String field, String value) {
        int nul = value.indexOf('\0');
        int surrogate = WellFormedText.firstUnpairedSurrogate(value);
        if (nul >= 0 && (surrogate < 0 || nul < surrogate)) {
            throw new IllegalArgumentException(field + " contains a NUL character at index " + nul + "; it cannot be stored");
        }
        if (surrogate >= 0) {
            throw new IllegalArgumentException(field + " contains an unpaired surrogate at index " + surrogate
                    + "; it cannot be stored");
        }
        return value;
    }

    /**
     * For audit values, which may come from a hostile request: never rejected, but NULs and unpaired surrogates
     * become U+FFFD and the text is cut to {@code max} characters (ending in an ellipsis).
     */
    public static String sanitize(String value, int max) {
        StringBuilder sb = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                sb.append(c).append(value.charAt(++i));
            } else if (c == 0 || Character.isSurrogate(c)) {
                sb.append('\uFFFD');
            } else {
                sb.append(c);
            }
        }
        if (sb.length() <= max) {
            return sb.toString();
        }
        int cut = max - 1;
        if (Character.isLowSurrogate(sb.charAt(cut)) && cut > 0) {
            cut--;
        }
        return sb.substring(0, cut) + "…";
    }
}
