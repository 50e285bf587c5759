package dev.latchkey.core.memory;

import dev.latchkey.spi.NodeRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** {@link InMemoryTokenStore}'s node registry: one process, so only engines sharing the store object see each other. */
final class MemoryNodeRegistry implements NodeRegistry {
    private final ConcurrentHashMap<String, Instant> nodes = new ConcurrentHashMap<>();

    @Override
    public void heartbeat(String nodeId, Instant at) {
        NodeRegistry.checkNodeId(nodeId);
        Objects.requireNonNull(at, "at");
        nodes.merge(nodeId, at, (old, now) -> now.isAfter(old) ? now : old);
    }

    @Override
    public Map<String, Instant> liveNodes(Instant since) {
        Objects.requireNonNull(since, "since");
        Map<String, Instant> live = new HashMap<>();
        nodes.forEach((n, at) -> {
            if (!at.isBefore(since)) {
                live.put(n, at);
            }
        });
        return Map.copyOf(live);
    }

    @Override
    public void leave(String nodeId) {
        nodes.remove(NodeRegistry.checkNodeId(nodeId));
    }
}
