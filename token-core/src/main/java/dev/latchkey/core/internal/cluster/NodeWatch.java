package dev.latchkey.core.internal.cluster;

import dev.latchkey.core.Authenticator;
import dev.latchkey.core.internal.text.SafeText;

import dev.latchkey.spi.NodeRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's heartbeat in the store's {@link NodeRegistry}, and what it learns from the others' heartbeats: a node
 * seen or gone is logged once; a node declared single-node that sees another live node warns at once and every few
 * minutes, and switches to following the change feed (it would otherwise serve revoked tokens from its cache).
 * Runs on a thread of its own so a hanging store delays only the heartbeat.
 */
public final class NodeWatch {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    static final Duration REPEAT_WARNING = Duration.ofMinutes(5);

    private final Clock clock;
    private final NodeRegistry registry;
    private final String nodeName;
    private final Duration heartbeat;
    private final boolean singleNodeDeclared;
    private final Runnable followFeed;
    private final ScheduledExecutorService thread;
    private volatile List<String> live = List.of();
    private Set<String> others = Set.of();
    private volatile boolean conflict;
    private long lastWarnMillis;
    private boolean failing;

    public NodeWatch(Clock clock, NodeRegistry registry, String nodeName, Duration heartbeat, boolean singleNodeDeclared,
              Runnable followFeed) {
        this.clock = clock;
        this.registry = registry;
        this.nodeName = nodeName;
        this.heartbeat = heartbeat;
        this.singleNodeDeclared = singleNodeDeclared;
        this.followFeed = followFeed;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "latchkey-nodes");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::beatQuietly, 0, heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The live nodes at the last heartbeat, this one included, sorted. */
    public List<String> liveNodes() {
        return live;
    }

    /** Whether a single-node declaration was contradicted by another live node. */
    public boolean conflict() {
        return conflict;
    }

    private void beatQuietly() {
        try {
            beat();
            if (failing) {
                failing = false;
                LOG.info("node heartbeat written again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("node heartbeat failed (other nodes may think this one gone): {}", e.toString());
            }
        }
    }

    public void beat() {
        Instant now = clock.instant();
        registry.heartbeat(nodeName, now);
        // three missed heartbeats before a node counts as gone: one slow write is not a departure
        Set<String> seen = new TreeSet<>(registry.liveNodes(now.minus(heartbeat.multipliedBy(3))).keySet());
        seen.add(nodeName);
        Set<String> nowOthers = new HashSet<>(seen);
        nowOthers.remove(nodeName);
        for (String n : nowOthers) {
            if (!others.contains(n)) {
                LOG.info("another node shares this store: '{}' ({} live)", SafeText.printable(n), seen.size());
            }
        }
        for (String n : others) {
            if (!nowOthers.contains(n)) {
                LOG.info("node '{}' is gone (no heartbeat for {}; {} live)", SafeText.printable(n), heartbeat.multipliedBy(3), seen.size());
            }
        }
        others = nowOthers;
        live = List.copyOf(seen);
        if (singleNodeDeclared && !nowOthers.isEmpty()) {
            long ms = clock.millis();
            if (!conflict) {
                conflict = true;
                lastWarnMillis = ms;
                LOG.warn("this node was declared single-node (singleNode()), but other nodes write to the same store: {}. "
                        + "Following the change feed from now on so revocations made there are honoured here; remove "
                        + "singleNode() or give each node its own store", SafeText.printable(String.join(", ", nowOthers)));
                followFeed.run();
            } else if (ms - lastWarnMillis >= REPEAT_WARNING.toMillis()) {
                lastWarnMillis = ms;
                LOG.warn("still declared single-node while other nodes write to the same store: {}; following the change feed",
                        SafeText.printable(String.join(", ", nowOthers)));
            }
        }
    }

    /** Stops the heartbeat and leaves the registry (waiting at most a second for the store). */
    public void close() {
        thread.shutdownNow();
        Thread leave = new Thread(() -> {
            try {
                registry.leave(nodeName);
            } catch (RuntimeException e) {
                LOG.debug("leaving the node registry failed: {}", e.toString());
            }
        }, "latchkey-nodes-leave");
        leave.setDaemon(true);
        leave.start();
        try {
            leave.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
