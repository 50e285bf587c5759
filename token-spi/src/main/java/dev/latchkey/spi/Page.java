package dev.latchkey.spi;

import java.util.List;
import java.util.Objects;

/**
 * One page of a query result.
 *
 * @param items the rows of this page, in order
 * @param page  zero-based page number
 * @param size  the requested page size
 * @param total how many rows match the query in all
 * @param <T>   row type
 *
 * @since 0.1
 */
public record Page<T>(List<T> items, int page, int size, long total) {
    /**
     * Checks and normalises the components; see the record description for each one's meaning.
     *
     * @param items the rows of this page, in order
     * @param page  zero-based page number
     * @param size  the requested page size
     * @param total how many rows match the query in all
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if a component is out of range (the message says which)
     */
    public Page {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        if (page < 0 || size < 1 || total < 0) {
            throw new IllegalArgumentException("invalid page " + page + " / size " + size + " / total " + total);
        }
    }
}
