package dev.latchkey.core.internal.text;

import dev.latchkey.core.TokenFormat;
import java.util.Objects;

/**
 * Caller-supplied text made safe to put in an error message, an audit event or a log line. People paste
 * tokens into the wrong field and clients swap user name and password, so anything that may hold a secret is
 * masked or withheld before it is echoed. Used by the engine and by the servlet module, so there is one set of
 * rules. Stateless and thread-safe.
 *
 * @since 0.1
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
     *
     * @param value the value to quote; may be null
     * @return the quoted, shortened and escaped value, a placeholder, or the word {@code null} for null
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
     *
     * @param text   the caller's text; may be null
     * @param format the host's token format, whose prefixes are masked
     * @return the masked, bounded and escaped text; empty for null
     * @throws NullPointerException if {@code format} is null
     */
    public static String forAudit(String text, TokenFormat format) {
        Objects.requireNonNull(format, "format");
        if (text == null) {
            return "";
        }
        return printable(maskTokens(text, format));
    }

    /**
     * {@code text} with every {@code <prefix>_<letters and digits>} of this host's token prefixes replaced by
     * {@code <prefix>_[redacted]}; nothing else changed (not bounded, not escaped).
     *
     * @param text   the text; may be null
     * @param format the host's token format, whose prefixes are masked
     * @return the text with token-shaped parts redacted; empty for null
     * @throws NullPointerException if {@code format} is null
     */
    public static String maskTokens(String text, TokenFormat format) {
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
        return out;
    }

    /**
     * Whether {@code text} holds something shaped like one of this host's tokens: a prefix, {@code _}, and at
     * least as many letters and digits as a token's random part (checksum right or not).
     *
     * @param text   the text; may be null
     * @param format the host's token format
     * @return true if a token-shaped part is in it; false for null
     * @throws NullPointerException if {@code format} is null
     */
    public static boolean containsToken(String text, TokenFormat format) {
        Objects.requireNonNull(format, "format");
        if (text == null) {
            return false;
        }
        for (String prefix : new String[] {format.personalPrefix(), format.servicePrefix()}) {
            String marker = prefix + "_";
            for (int at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
                int end = at + marker.length();
                while (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) {
                    end++;
                }
                if (end - at - marker.length() >= TokenFormat.RANDOM_LENGTH) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether {@code c} must never reach a log line, an audit record or a name as is: control characters (C0,
     * DEL, C1 including U+0085 NEL), format characters (bidirectional overrides and isolates U+202A-U+202E and
     * U+2066-U+2069, zero-width characters, ...) and the line and paragraph separators U+2028 and U+2029. They
     * forge line breaks or reorder what a reader sees.
     *
     * @param c the character
     * @return true if it must be escaped before it is logged, audited or shown
     */
    public static boolean isControlOrFormat(char c) {
        if (c >= 0x20 && c < 0x7f) {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /**
     * Bounded to 200 characters; control, format and line-separator characters (see {@code isControlOrFormat})
     * escaped as {@code \\uHHHH} (four hex digits); nothing masked.
     *
     * @param text the text; may be null
     * @return the bounded, escaped text; empty for null
     */
    public static String printable(String text) {
        if (text == null) {
            return "";
        }
        String t = text.length() > MAX_PRINTABLE ? text.substring(0, MAX_PRINTABLE) + "…" : text;
        StringBuilder b = null;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (isControlOrFormat(c)) {
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
