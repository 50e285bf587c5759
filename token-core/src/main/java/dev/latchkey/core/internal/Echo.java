package dev.latchkey.core.internal;

/**
 * Quotes caller input back in an error message — unless it could be a secret. People paste tokens into the
 * wrong field; an error message (and the log line it ends up in) must not carry one.
 */
public final class Echo {
    /** A run of this many letters and digits is treated as possibly secret (tokens have 36). */
    private static final int SECRET_RUN = 20;
    private static final int MAX = 80;

    private Echo() {
    }

    /** {@code 'value'}, shortened and with control characters escaped, or a placeholder. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        int run = 0;
        for (int i = 0; i < value.length(); i++) {
            if (Character.isLetterOrDigit(value.charAt(i))) {
                if (++run >= SECRET_RUN) {
                    return "(a value withheld because it may be a secret)";
                }
            } else {
                run = 0;
            }
        }
        String v = value.length() > MAX ? value.substring(0, MAX) + "…" : value;
        StringBuilder b = new StringBuilder(v.length() + 2).append('\'');
        v.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.append('\'').toString();
    }
}
