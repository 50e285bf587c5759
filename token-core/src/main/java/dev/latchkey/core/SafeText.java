package dev.latchkey.core;

import java.util.Objects;

/**
 * Caller-supplied text made safe to put in an error message, an audit event or a log line. People paste
 * tokens into the wrong field and clients swap user name and password, so anything that may hold a secret is
 * masked or withheld before it is echoed. Used by the engine and by the servlet module, so there is one set of
 * rules. Stateless and thread-safe.
 */
public final class SafeText {
    /** A run of this many letters and digits is treated as possibly secret (tokens carry 36). */
    private static final int SECRET_RUN = 20;
    private static final int MAX_QUOTED = 80;
    private static final int MAX_PRINTABLE = 200;

    private SafeText() {
    }

    /**
     * {@code 'value'} for an error message: shortened, control characters escaped — or a placeholder when the
     * value contains a run of letters and digits long enough to be a secret.
     */
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
        String v = value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "…" : value;
        return "'" + printable(v) + "'";
    }

    /**
     * Text for an audit event or log line: every {@code <prefix>_<body>} of this host's token prefixes masked
     * (whether or not its checksum is right), then bounded and escaped as {@link #printable}.
     */
    public static String forAudit(String text, TokenFormat format) {
        Objects.requireNonNull(format, "format");
        if (text == null) {
            return "";
        }
        String out = text;
        for (String prefix : new String[] {format.personalPrefix(), format.servicePrefix()}) {
            String marker = prefix + "_";
            int at = out.indexOf(marker);
            while (at >= 0) {
                int end = at + marker.length();
                while (end < out.length() && Character.isLetterOrDigit(out.charAt(end))) {
                    end++;
                }
                out = out.substring(0, at + marker.length()) + "[redacted]" + out.substring(end);
                at = out.indexOf(marker, at + marker.length() + 10);
            }
        }
        return printable(out);
    }

    /** Bounded to 200 characters, control characters escaped as {@code \\uXXXX}; nothing masked. */
    public static String printable(String text) {
        if (text == null) {
            return "";
        }
        String t = text.length() > MAX_PRINTABLE ? text.substring(0, MAX_PRINTABLE) + "…" : text;
        StringBuilder b = null;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (b == null) {
                    b = new StringBuilder(t.substring(0, i));
                }
                b.append(String.format("\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? t : b.toString();
    }
}
