package dev.latchkey.jdbc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes lists and string maps into one text column, losslessly: every element is escaped
 * ({@code \\}, newline, {@code =}, NUL) and terminated by a newline, so an empty list and a list holding one
 * empty string stay distinct, and any character, separators included, round-trips.
 */
public final class TextCodec {

    private TextCodec() {
    }

    public static String encodeList(List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (String v : values) {
            escape(v, sb);
            sb.append('\n');
        }
        return sb.toString();
    }

    public static List<String> decodeList(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i = unescape(text, i, current);
            } else if (c == '\n') {
                out.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            throw new IllegalStateException("corrupt encoded list: missing terminator");
        }
        return out;
    }

    /** Encodes a map as {@code key=value} lines, sorted by key. */
    public static String encodeMap(Map<String, String> map) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            escape(e.getKey(), sb);
            sb.append('=');
            escape(e.getValue(), sb);
            sb.append('\n');
        }
        return sb.toString();
    }

    public static Map<String, String> decodeMap(String text) {
        Map<String, String> out = new TreeMap<>();
        for (String line : splitRaw(text)) {
            int eq = unescapedEquals(line);
            if (eq < 0) {
                throw new IllegalStateException("corrupt encoded map entry: no separator");
            }
            out.put(unescapeAll(line.substring(0, eq)), unescapeAll(line.substring(eq + 1)));
        }
        return out;
    }

    private static List<String> splitRaw(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '\n') {
                lines.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (start != text.length()) {
            throw new IllegalStateException("corrupt encoded map: missing terminator");
        }
        return lines;
    }

    private static int unescapedEquals(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '=') {
                return i;
            }
        }
        return -1;
    }

    private static String unescapeAll(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                i = unescape(raw, i, sb);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static void escape(String v, StringBuilder sb) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '=' -> sb.append("\\e");
                case '\0' -> sb.append("\\0");
                default -> sb.append(c);
            }
        }
    }

    private static int unescape(String text, int backslash, StringBuilder out) {
        if (backslash + 1 >= text.length()) {
            throw new IllegalStateException("corrupt encoded text: dangling escape");
        }
        char n = text.charAt(backslash + 1);
        switch (n) {
            case '\\' -> out.append('\\');
            case 'n' -> out.append('\n');
            case 'e' -> out.append('=');
            case '0' -> out.append('\0');
            default -> throw new IllegalStateException("corrupt encoded text: unknown escape");
        }
        return backslash + 1;
    }
}
