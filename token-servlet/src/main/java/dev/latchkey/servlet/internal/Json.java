package dev.latchkey.servlet.internal;

/** Minimal JSON string escaping for the filter's error bodies (the filter path does not use Jackson). */
public final class Json {
    private Json() {
    }

    public static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = null;
            if (c == '"') {
                rep = "\\\"";
            } else if (c == '\\') {
                rep = "\\\\";
            } else if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                rep = String.format("\\u%04x", (int) c);
            }
            if (rep != null) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                b.append(rep);
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
