package dev.latchkey.servlet.internal;

/** Caller-supplied text made safe for audit and log lines: bounded, control characters escaped. */
public final class AuditText {
    private AuditText() {
    }

    public static String printable(String text) {
        if (text == null) {
            return "";
        }
        String t = text.length() > 200 ? text.substring(0, 200) + "…" : text;
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
