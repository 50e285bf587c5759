package dev.latchkey.spi;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * Persistent storage of token records: the one store contract every integrator implements. Implementations: the
 * engine's in-memory store (embedded use, tests) and {@code JdbcTokenStore}; integrators can write their own and
 * check it with {@code token-tck}'s {@code TokenStoreContract}.
 *
 * <h2>Layers</h2>
 * This interface is the required core, enough for an engine that is the only one using its store. A store that
 * several nodes share also implements the optional capabilities (the way Caffeine's {@code CacheLoader} has one
 * required method and optional ones):
 * <ul>
 *   <li>{@link PolicyStore}: keeps the policy, so it survives restarts and every node applies the same one.
 *       Without it the engine keeps the policy in memory, on this node only.</li>
 *   <li>{@link ChangeFeed}: the ordered record of what changed, which nodes follow to drop stale cache entries.
 *       The engine needs it (and {@link PolicyStore}) on a node that follows other nodes' changes, and refuses
 *       to build without it, naming what is missing.</li>
 *   <li>{@link NodeRegistry}, {@link NoticeLedger}: heartbeats of the nodes sharing the store; which notices
 *       were sent.</li>
 * </ul>
 *
 * <h2>Contract every implementation MUST meet</h2>
 * <ul>
 *   <li>Thread-safe: any method may be called from many threads at once; nothing is lost.</li>
 *   <li>Records are returned exactly as written (every field, unicode included), except that
 *       {@link #update} and {@link #rotate} increment the version and {@link #recordLastUse} changes
 *       {@code lastUse}.</li>
 *   <li>Lookups are by digest or id, never by scanning.</li>
 *   <li>Every failure of the backing storage (unreachable, timed out, I/O) surfaces as
 *       {@link StoreUnavailableException}; once the storage is back, calls succeed again without a
 *       restart.</li>
 *   <li>Limits hold under concurrency: the {@link InsertConditions} of an insert or rotation are checked
 *       atomically with the write, against every write that committed before it (a lock, a unique constraint or
 *       a serialisable transaction; never a read followed by an unguarded write). When N threads race to insert
 *       records of one owner with {@code maxActivePerOwner = k}, exactly {@code k} end up active; when N threads
 *       insert one service name with {@code uniqueActiveServiceName}, exactly one does; when N threads rotate one
 *       record, exactly one succeeds.</li>
 *   <li>No method ever receives or keeps a token secret.</li>
 * </ul>
 *
 * @since 0.1
 */
public interface TokenStore {

    /**
     * Stores a new record (its version must be 0) with no limit checked; the same as
     * {@code insert(record, InsertConditions.none())}.
     *
     * @param record the record to store; version 0
     * @throws DuplicateTokenException   if a record with the same id or digest exists
     * @throws StoreUnavailableException if the storage failed
     */
    default void insert(TokenRecord record) {
        insert(record, InsertConditions.none());
    }

    /**
     * Stores a new record (its version must be 0) if {@code conditions} hold, checked atomically with the write.
     *
     * @param record     the record to store; version 0
     * @param conditions the limits to check atomically with the write ({@link InsertConditions#none()} for none)
     * @throws DuplicateTokenException   if a record with the same id or digest exists
     * @throws LimitExceededException    if a condition does not hold; nothing was written
     * @throws IllegalArgumentException  if {@code uniqueActiveServiceName} is asked of a personal record
     * @throws StoreUnavailableException if the storage failed
     */
    void insert(TokenRecord record, InsertConditions conditions);

    /**
     * A rotation, in one atomic step: writes {@code revokedPredecessor} (the stored record with its revocation set;
     * id and digest unchanged) if the stored version is {@code expectedVersion} and the stored record is not
     * revoked, then inserts {@code successor} if {@code conditions} hold with the predecessor already revoked.
     * Either both writes happen or neither does; of N concurrent rotations of one record exactly one succeeds.
     * A store that is a {@link ChangeFeed} appends one change event per record, the predecessor's first.
     *
     * @param revokedPredecessor the stored predecessor with its revocation set
     * @param expectedVersion    the predecessor's version as the caller read it
     * @param successor          the new record; version 0
     * @param conditions         the limits to check for the successor, atomically with both writes
     * @return the stored predecessor, with version {@code expectedVersion + 1}
     * @throws ConcurrentUpdateException if the predecessor does not exist, its stored version differs or it was
     *                                   already revoked (somebody else rotated or revoked it first)
     * @throws DuplicateTokenException   if the successor's id or digest exists
     * @throws LimitExceededException    if a condition does not hold for the successor
     * @throws IllegalArgumentException  if {@code revokedPredecessor} has no revocation, or the successor's
     *                                   version is not 0
     * @throws StoreUnavailableException if the storage failed
     */
    TokenRecord rotate(TokenRecord revokedPredecessor, long expectedVersion, TokenRecord successor,
                       InsertConditions conditions);

    /**
     * The record whose digest is {@code digest}, if any.
     *
     * @param digest the digest of a token secret (never the secret)
     * @return the record, or empty
     * @throws StoreUnavailableException if the storage failed
     */
    Optional<TokenRecord> findByDigest(String digest);

    /**
     * The record with public id {@code id}, if any.
     *
     * @param id the token's public id
     * @return the record, or empty
     * @throws StoreUnavailableException if the storage failed
     */
    Optional<TokenRecord> findById(String id);

    /**
     * Replaces the record with the same id if its stored version is {@code expectedVersion}. The digest and
     * id cannot change through an update (a rotation inserts a new record). The stored {@code lastUse} is
     * kept (usage is written only through {@link #recordLastUse}).
     *
     * @param updated         the record as it should be stored (same id and digest)
     * @param expectedVersion the stored version as the caller read it
     * @return the stored record, with version {@code expectedVersion + 1}
     * @throws ConcurrentUpdateException if the stored version differs, or the record does not exist
     * @throws StoreUnavailableException if the storage failed
     */
    TokenRecord update(TokenRecord updated, long expectedVersion);

    /**
     * The page of records matching {@code query}; see {@link TokenQuery} for the exact semantics.
     *
     * @param query the filters, sort and page wanted
     * @return that page, with the total number of matching records
     * @throws StoreUnavailableException if the storage failed
     */
    Page<TokenRecord> query(TokenQuery query);

    /**
     * How many tokens {@code owner} has that are {@link TokenState#ACTIVE} at {@code asOf}.
     *
     * @param owner the owner
     * @param asOf  the instant "active" is judged at
     * @return the count
     * @throws StoreUnavailableException if the storage failed
     */
    long countActive(String owner, Instant asOf);

    /**
     * Records a batch of uses. For each token the stored last use becomes the latest of the stored one and
     * the batch's; it never moves backwards. Unknown token ids are ignored. Does not change versions and
     * appends no {@link ChangeEvent}.
     *
     * @param uses the uses to record, in any order
     * @throws StoreUnavailableException if the storage failed
     */
    void recordLastUse(Collection<LastUse> uses);

    /**
     * Removes records that were revoked before {@code before} or expired before {@code before}; never an
     * active record.
     *
     * @param before the cut-off instant
     * @return how many were removed
     */
    int purge(Instant before);
}
