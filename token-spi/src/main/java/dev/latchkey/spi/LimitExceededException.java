package dev.latchkey.spi;

import java.util.Objects;

/**
 * Thrown by {@link TokenStore#insert(TokenRecord, InsertConditions)} and {@link TokenStore#rotate} when an
 * {@link InsertConditions} limit would be broken; nothing was written.
 *
 * @since 0.1
 */
public class LimitExceededException extends LatchkeyException {
    private static final long serialVersionUID = 1L;

    /** Which limit refused the write. */
    public enum Limit {
        /** {@link InsertConditions#maxActivePerOwner()}. */
        ACTIVE_TOKENS_PER_OWNER,
        /** {@link InsertConditions#uniqueActiveServiceName()}. */
        ACTIVE_SERVICE_NAME
    }

    private final Limit limit;

    public LimitExceededException(Limit limit, String message) {
        super(message);
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    /** The limit that refused the write. */
    public Limit limit() {
        return limit;
    }
}
