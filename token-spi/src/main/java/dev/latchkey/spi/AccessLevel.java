package dev.latchkey.spi;

/**
 * What a token may do, ordered {@code READ < WRITE < ADMIN}. A higher level includes every lower one.
 *
 * @since 0.1
 */
public enum AccessLevel {
    /** Safe operations only: reading, and git fetch/clone. */
    READ,
    /** Changes: pushes, creating and updating resources. */
    WRITE,
    /** Administration: deleting resources, changing permissions and settings. */
    ADMIN;

    /**
     * Whether a grant of this level admits an operation that needs {@code needed}.
     *
     * @param needed the level the operation needs
     * @return true when this level is {@code needed} or higher
     */
    public boolean includes(AccessLevel needed) {
        return compareTo(needed) >= 0;
    }

    /**
     * The lower of two levels.
     *
     * @param a one level
     * @param b the other level
     * @return {@code a} if it is not higher than {@code b}, else {@code b}
     */
    public static AccessLevel min(AccessLevel a, AccessLevel b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
