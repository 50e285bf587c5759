package dev.latchkey.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Limits a {@link TokenStore} checks atomically with an insert ({@link TokenStore#insert(TokenRecord, InsertConditions)})
 * or a rotation ({@link TokenStore#rotate}): no other writer can slip in between the check and the write, so N
 * racing creations can never leave more than the limit.
 *
 * <p>Immutable and thread-safe.
 *
 * @param asOf                    the instant at which "active" is judged ({@link TokenRecord#state(Instant)})
 * @param maxActivePerOwner       when present, the insert succeeds only if the record's owner has fewer than this
 *                                many {@link TokenState#ACTIVE} records before it (a rotation counts after its
 *                                predecessor is revoked)
 * @param uniqueActiveServiceName when true (service records only), the insert succeeds only if no other
 *                                {@link TokenKind#SERVICE} record with the same owner (the service principal
 *                                name) is active
 *
 * @since 0.1
 */
public record InsertConditions(Instant asOf, OptionalInt maxActivePerOwner, boolean uniqueActiveServiceName) {

    private static final InsertConditions NONE = new InsertConditions(Instant.EPOCH, OptionalInt.empty(), false);

    /**
     * Checks the components; see the record description for each one's meaning.
     *
     * @param asOf                    the instant at which "active" is judged
     * @param maxActivePerOwner       the limit of active records per owner, or empty for none
     * @param uniqueActiveServiceName whether the service name must be unique among active service records
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the limit is below 1
     */
    public InsertConditions {
        Objects.requireNonNull(asOf, "asOf");
        Objects.requireNonNull(maxActivePerOwner, "maxActivePerOwner");
        if (maxActivePerOwner.isPresent() && maxActivePerOwner.getAsInt() < 1) {
            throw new IllegalArgumentException("maxActivePerOwner must be >= 1 (or absent for no limit), was "
                    + maxActivePerOwner.getAsInt());
        }
    }

    /**
     * No conditions: a plain insert.
     *
     * @return the empty conditions
     */
    public static InsertConditions none() {
        return NONE;
    }

    /**
     * No conditions yet, judging "active" at {@code asOf}; add them with the {@code with} methods.
     *
     * @param asOf the instant at which "active" is judged
     * @return conditions that check nothing yet
     * @throws NullPointerException if {@code asOf} is null
     */
    public static InsertConditions asOf(Instant asOf) {
        return new InsertConditions(asOf, OptionalInt.empty(), false);
    }

    /**
     * These conditions plus "the owner has fewer than {@code limit} active records".
     *
     * @param limit the most active records an owner may have after the insert
     * @return new conditions; this one is unchanged
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    public InsertConditions withMaxActivePerOwner(int limit) {
        return new InsertConditions(asOf, OptionalInt.of(limit), uniqueActiveServiceName);
    }

    /**
     * These conditions plus "no other active service record has this service name".
     *
     * @return new conditions; this one is unchanged
     */
    public InsertConditions withUniqueActiveServiceName() {
        return new InsertConditions(asOf, maxActivePerOwner, true);
    }

    /**
     * Whether there is anything to check.
     *
     * @return true when no limit is set
     */
    public boolean isEmpty() {
        return maxActivePerOwner.isEmpty() && !uniqueActiveServiceName;
    }
}
