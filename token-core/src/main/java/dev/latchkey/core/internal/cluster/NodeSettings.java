package dev.latchkey.core.internal.cluster;

import java.time.Duration;

/**
 * What {@link Latchkey.Builder#build()} decided about this node's place among others and its waits for the store:
 * its name in the node registry, whether the host declared it the only node, the heartbeat interval, and how long
 * a request waits for a store read.
 */
public record NodeSettings(String nodeName, boolean singleNodeDeclared, Duration heartbeat, Duration storeWait) {
}
