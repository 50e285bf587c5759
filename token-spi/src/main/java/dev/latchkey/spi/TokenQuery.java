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
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (Character.isHighSurrogate(c)) {
                    if (i + 1 >= t.length() || !Character.isLowSurrogate(t.charAt(i + 1))) {
                        throw new IllegalArgumentException(field + " contains an unpaired surrogate at index " + i);
                    }
                    i++;
                } else if (Character.isLowSurrogate(c)) {
                    throw new IllegalArgumentException(field + " contains an unpaired surrogate at index " + i);
                } else if (c == 0) {
                    throw new IllegalArgumentException(field + " contains a NUL character at index " + i);
                }
            }
        }
    }

    /** The offset of the first row of the page. */
    public long offset() {
        return (long) page * size;
    }

    /** A builder with no filters, sorted by creation time descending, page 0 of 50, as of {@code asOf}. */
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

        public Builder owner(String v) { this.owner = Optional.of(v); return this; }
        public Builder nameContains(String v) { this.nameContains = Optional.of(v); return this; }
        public Builder kind(TokenKind v) { this.kind = Optional.of(v); return this; }
        public Builder state(TokenState v) { this.state = Optional.of(v); return this; }
        public Builder createdAfter(Instant v) { this.createdAfter = Optional.of(v); return this; }
        public Builder createdBefore(Instant v) { this.createdBefore = Optional.of(v); return this; }
        public Builder expiresBefore(Instant v) { this.expiresBefore = Optional.of(v); return this; }
        public Builder lastUsedBefore(Instant v) { this.lastUsedBefore = Optional.of(v); return this; }
        public Builder neverUsed(boolean v) { this.neverUsed = v; return this; }
        public Builder sort(TokenSort v, boolean desc) { this.sort = Objects.requireNonNull(v, "sort"); this.descending = desc; return this; }
        public Builder page(int v) { this.page = v; return this; }
        public Builder size(int v) { this.size = v; return this; }
        public Builder asOf(Instant v) { this.asOf = Objects.requireNonNull(v, "asOf"); return this; }

        public TokenQuery build() {
            return new TokenQuery(owner, nameContains, kind, state, createdAfter, createdBefore, expiresBefore,
                    lastUsedBefore, neverUsed, sort, descending, page, size, asOf);
        }
    }
}
