package dev.latchkey.core.internal.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated lists as settings and init-params write them ({@code "10.0.0.0/8, 2001:db8::/32"}): entries
 * stripped, blank ones dropped. One reading for the policy and the servlet adapter's parameters.
 */
public final class CommaList {
    private CommaList() {
    }

    /**
     * The entries of {@code text}, in order, stripped; blank entries (and an empty text) give none.
     *
     * @param text comma-separated entries
     * @return the non-blank entries, stripped, in order
     * @throws NullPointerException if {@code text} is null
     */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }
}
