package dev.latchkey.tck;

import org.junit.jupiter.api.Named;

/**
 * Display names for the kit's hostile inputs. A report must say which input broke an implementation, but the
 * inputs themselves (NUL, lone surrogates, newlines, 10,000 characters) would garble or truncate the report, so
 * each is shown as an escaped, quoted literal, shortened with its length when long.
 */
final class DisplayNames {

    /** Longer inputs are shown by their first characters and their length. */
    static final int MAX_SHOWN = 40;

    private DisplayNames() {
    }

    /** {@code input} as a JUnit argument whose display name is {@link #escape(String)} of it. */
    static Named<String> named(String input) {
        return Named.of(escape(input), input);
    }

    /**
     * {@code input} as a quoted literal of printable ASCII: {@code \\}, {@code \"}, {@code \n}, {@code \r},
     * {@code \t}, and every other character outside {@code ' '..'~'} as {@code \}{@code uHHHH} (four hex digits) (UTF-16 units, so a
     * lone surrogate is visible too). Inputs longer than {@link #MAX_SHOWN} characters end in {@code …} and their
     * length.
     */
    static String escape(String input) {
        if (input == null) {
            return "null";
        }
        int shown = Math.min(input.length(), MAX_SHOWN);
        StringBuilder b = new StringBuilder(shown + 16).append('"');
        for (int i = 0; i < shown; i++) {
            char c = input.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c >= ' ' && c <= '~') {
                        b.append(c);
                    } else {
                        b.append(String.format("\\u%04X", (int) c));
                    }
                }
            }
        }
        if (shown < input.length()) {
            b.append("\u2026\" (").append(input.length()).append(" chars)");
        } else {
            b.append('"');
        }
        return b.toString();
    }
}
