/**
 * The cluster side of a node: {@code ChangeFeedFollower} reads the store's change feed (cursor, gaps, pruning)
 * and keeps the cache trust the hot path checks. Not exported.
 */
package dev.latchkey.core.internal.cluster;
