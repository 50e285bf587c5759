package dev.latchkey.spi;

/**
 * The one rule for text the engine and the stores accept from callers: UTF-16 must be well formed, so a surrogate
 * stands only in a high-low pair. An unpaired one cannot be stored faithfully (databases and UTF-8 replace or
 * refuse it) and would change what a reader sees. The engine (token names), {@link TokenQuery} (query text) and
 * {@code token-jdbc} (every stored field) check it here, so they agree on what is refused.
 *
 * @since 0.1
 */
public final class WellFormedText {
    private WellFormedText() {
    }

    /**
     * The index of the first surrogate in {@code text} that is not part of a high-low pair.
     *
     * @param text the text to check
     * @return that index, or -1 when the text is well formed
     */
    public static int firstUnpairedSurrogate(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
