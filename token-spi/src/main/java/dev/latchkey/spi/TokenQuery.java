package dev.latchkey.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A token-manager query: every filter is optional and they combine with AND. Stores evaluate it in their
 * storage (SQL for the JDBC store), never by loading everything into memory.
 *
 * <p>Semantics every {@link TokenStore} must implement exactly:
 * <ul>
 *   <li>{@code owner}: equal (case-sensitive).</li>
 *   <li>{@code nameContains}: the name contains the text, case-insensitively, with no wildcard meaning for
 *       any character ({@code %}, {@code _} and {@code \} match themselves).</li>
 *   <li>{@code state}: evaluated at {@code asOf} as in {@link TokenRecord#state(Instant)}.</li>
 *   <li>{@code createdAfter} inclusive, {@code createdBefore} exclusive, {@code expiresBefore} exclusive
 *       (tokens that never expire do not match), {@code lastUsedBefore} exclusive (never-used tokens do not
 *       match), {@code neverUsed}: true matches only tokens with no recorded use.</li>
 *   <li>Sorting by {@code sort}; absent values (no expiry, never used) sort last in either direction; ties
 *       by id ascending.</li>
 *   <li>{@code page} is zero-based, {@code size} between 1 and {@link #MAX_PAGE_SIZE}.</li>
 * </ul>
 *
 * @since 0.1
 */
public record TokenQuery(
        Optional<String> owner,
        Optional<String> nameContains,
        Optional<TokenKind> kind,
        Optional<TokenState> state,
        Optional<Instant> createdAfter,
        Optional<Instant> createdBefore,
        Optional<Instant> expiresBefore,
        Optional<Instant> lastUsedBefore,
        boolean neverUsed,
        TokenSort sort,
        boolean descending,
        int page,
        int size,
        Instant asOf) {

    /** The largest page a query may ask for. */
    public static final int MAX_PAGE_SIZE = 1000;
    /** The longest {@code nameContains} text accepted. */
    public static final int MAX_TEXT_LENGTH = 256;

    /**
     * Checks the components; the class description says what each filter means.
     *
     * @param owner          owner filter
     * @param nameContains   name text filter, at most {@link #MAX_TEXT_LENGTH} characters
     * @param kind           kind filter
     * @param state          state filter, judged at {@code asOf}
     * @param createdAfter   inclusive lower bound of the creation time
     * @param createdBefore  exclusive upper bound of the creation time
     * @param expiresBefore  exclusive upper bound of the expiry
     * @param lastUsedBefore exclusive upper bound of the last use
     * @param neverUsed      true to match only tokens with no recorded use
     * @param sort           sort key
     * @param descending     sort direction
     * @param page           zero-based page number
     * @param size           page size, 1 to {@link #MAX_PAGE_SIZE}
     * @param asOf           the instant states are judged at
     * @throws NullPointerException     if a component is null
     * @throws IllegalArgumentException if a component is out of range (the message says which)
     */
    public TokenQuery {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(nameContains, "nameContains");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAfter, "createdAfter");
        Objects.requireNonNull(createdBefore, "createdBefore");
        Objects.requireNonNull(expiresBefore, "expiresBefore");
        Objects.requireNonNull(lastUsedBefore, "lastUsedBefore");
        Objects.requireNonNull(sort, "sort");
        Objects.requireNonNull(asOf, "asOf");
        if (page < 0) {
            throw new IllegalArgumentException("page must be >= 0, was " + page);
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("size must be between 1 and " + MAX_PAGE_SIZE + ", was " + size);
        }
        checkText("owner", owner);
        checkText("nameContains", nameContains);
    }

    private static void checkText(String field, Optional<String> text) {
        if (text.isPresent()) {
            String t = text.get();
            if (t.length() > MAX_TEXT_LENGTH) {
                throw new IllegalArgumentException(field + " is " + t.length() + " characters; at most "
                        + MAX_TEXT_LENGTH + " are accepted");
            }
            int surrogate = WellFormedText.firstUnpairedSurrogate(t);
            int nul = t.indexOf('\0');
            if (surrogate >= 0 && (nul < 0 || surrogate < nul)) {
                throw new IllegalArgumentException(field + " contains an unpaired surrogate at index " + surrogate);
            }
            if (nul >= 0) {
                throw new IllegalArgumentException(field + " contains a NUL character at index " + nul);
            }
        }
    }

    /**
     * The offset of the first row of the page.
     *
     * @return {@code page * size}
     */
    public long offset() {
        return (long) page * size;
    }

    /**
     * A builder with no filters, sorted by creation time descending, page 0 of 50, as of {@code asOf}.
     *
     * @param asOf the instant states are judged at
     * @return a new builder
     * @throws NullPointerException if {@code asOf} is null
     */
    public static Builder builder(Instant asOf) {
        return new Builder(asOf);
    }

    /** Mutable builder for {@link TokenQuery}; not thread-safe. */
    public static final class Builder {
        private Optional<String> owner = Optional.empty();
        private Optional<String> nameContains = Optional.empty();
        private Optional<TokenKind> kind = Optional.empty();
        private Optional<TokenState> state = Optional.empty();
        private Optional<Instant> createdAfter = Optional.empty();
        private Optional<Instant> createdBefore = Optional.empty();
        private Optional<Instant> expiresBefore = Optional.empty();
        private Optional<Instant> lastUsedBefore = Optional.empty();
        private boolean neverUsed;
        private TokenSort sort = TokenSort.CREATED_AT;
        private boolean descending = true;
        private int page;
        private int size = 50;
        private Instant asOf;

        private Builder(Instant asOf) {
            this.asOf = Objects.requireNonNull(asOf, "asOf");
        }

        /**
         * Filters on the owner (equal, case-sensitive).
         *
         * @param v the value
         * @return this builder
         */
        public Builder owner(String v) { this.owner = Optional.of(v); return this; }
        /**
         * Filters on names containing the text (case-insensitive, no wildcards).
         *
         * @param v the value
         * @return this builder
         */
        public Builder nameContains(String v) { this.nameContains = Optional.of(v); return this; }
        /**
         * Filters on the kind.
         *
         * @param v the value
         * @return this builder
         */
        public Builder kind(TokenKind v) { this.kind = Optional.of(v); return this; }
        /**
         * Filters on the state at {@code asOf}.
         *
         * @param v the value
         * @return this builder
         */
        public Builder state(TokenState v) { this.state = Optional.of(v); return this; }
        /**
         * Filters on creation at or after this instant.
         *
         * @param v the value
         * @return this builder
         */
        public Builder createdAfter(Instant v) { this.createdAfter = Optional.of(v); return this; }
        /**
         * Filters on creation before this instant.
         *
         * @param v the value
         * @return this builder
         */
        public Builder createdBefore(Instant v) { this.createdBefore = Optional.of(v); return this; }
        /**
         * Filters on expiry before this instant (never-expiring tokens do not match).
         *
         * @param v the value
         * @return this builder
         */
        public Builder expiresBefore(Instant v) { this.expiresBefore = Optional.of(v); return this; }
        /**
         * Filters on last use before this instant (never-used tokens do not match).
         *
         * @param v the value
         * @return this builder
         */
        public Builder lastUsedBefore(Instant v) { this.lastUsedBefore = Optional.of(v); return this; }
        /**
         * When true, matches only tokens with no recorded use.
         *
         * @param v the value
         * @return this builder
         */
        public Builder neverUsed(boolean v) { this.neverUsed = v; return this; }
        /**
         * Sets the sort key and direction.
         *
         * @param v    the sort key
         * @param desc true for descending
         * @return this builder
         * @throws NullPointerException if {@code v} is null
         */
        public Builder sort(TokenSort v, boolean desc) { this.sort = Objects.requireNonNull(v, "sort"); this.descending = desc; return this; }
        /**
         * Sets the zero-based page number.
         *
         * @param v the value
         * @return this builder
         */
        public Builder page(int v) { this.page = v; return this; }
        /**
         * Sets the page size, 1 to {@link TokenQuery#MAX_PAGE_SIZE}.
         *
         * @param v the value
         * @return this builder
         */
        public Builder size(int v) { this.size = v; return this; }
        /**
         * Sets the instant states are judged at.
         *
         * @param v the value
         * @return this builder
         */
        public Builder asOf(Instant v) { this.asOf = Objects.requireNonNull(v, "asOf"); return this; }

        /**
         * Builds the query.
         *
         * @return the immutable query
         * @throws NullPointerException     if a filter value is null
         * @throws IllegalArgumentException if a value is out of range (the message says which)
         */
        public TokenQuery build() {
            return new TokenQuery(owner, nameContains, kind, state, createdAfter, createdBefore, expiresBefore,
                    lastUsedBefore, neverUsed, sort, descending, page, size, asOf);
        }
    }
}
