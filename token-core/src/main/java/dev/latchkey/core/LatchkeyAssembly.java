package dev.latchkey.core;

import dev.latchkey.core.classify.GitAwareMethodClassifier;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.cluster.NodeSettings;
import dev.latchkey.core.internal.format.Digester;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What {@link Latchkey.Builder#build()} does: checks the combination of options, decides whether the engine follows
 * other nodes' changes (and so what it demands of the store), fills in the defaults and wires the engine.
 */
final class LatchkeyAssembly {
    private LatchkeyAssembly() {
    }

    static Latchkey build(Latchkey.Builder b) {
        if (b.store == null) {
            throw new IllegalStateException("no store was set; use store(new InMemoryTokenStore()) for "
                    + "embedded use or a JdbcTokenStore");
        }
        if (b.directory == null) {
            throw new IllegalStateException("no directory was set; implement UserDirectory over the host's "
                    + "users, or use InMemoryUserDirectory");
        }
        if (b.cluster != null && b.singleNode != null) {
            throw new IllegalStateException("both cluster(...) and singleNode() were set; a node either follows "
                    + "the change feed of a shared store or is the only one using it. Keep one");
        }
        // safe by default: a store that others can share is followed unless the host says it is alone
        ClusterOptions effective = b.cluster != null ? b.cluster
                : b.singleNode == null && StoreCapabilities.shareable(b.store) ? ClusterOptions.defaults() : null;
        if (b.cluster != null) {
            StoreCapabilities.requireFollowable(b.store, "cluster(...) was set, so it follows the other nodes' "
                    + "changes", "remove cluster(...) if this engine is the only one using the store");
        } else if (effective != null) {
            StoreCapabilities.requireFollowable(b.store, "the store can be shared by several nodes (it offers a "
                    + "ChangeFeed or a NodeRegistry), so by default it follows the other nodes' changes",
                    "declare singleNode() if this engine is the only one using the store");
        } else if (StoreCapabilities.watchesNodes(b.store)) {
            StoreCapabilities.requireFollowable(b.store, "the store keeps a node registry, and a node declared "
                    + "singleNode() that sees another live node there starts following the change feed",
                    "leave NodeRegistry out of a store meant for one node");
        }
        if (b.broadcaster != null && effective == null) {
            throw new IllegalStateException("a changeBroadcaster was set on a node that does not follow the change "
                    + "feed (singleNode(), or the in-memory store); the broadcast is an accelerator for the "
                    + "change-feed poll, so set cluster(ClusterOptions.defaults()) too");
        }
        Duration dirTtl = b.directoryCacheTtl != null ? b.directoryCacheTtl : Duration.ofSeconds(2);
        if (effective != null && dirTtl.compareTo(effective.stalenessBound()) > 0) {
            if (b.directoryCacheTtl != null) {
                throw new IllegalStateException("directoryCacheTtl " + b.directoryCacheTtl + " is longer than the "
                        + "cluster staleness bound " + effective.stalenessBound()
                        + "; a deactivated user would keep working past the bound. Lower it"
                        + (b.cluster == null ? ", or declare singleNode() if no other node shares the store" : ""));
            }
            dirTtl = effective.stalenessBound();
        }
        EngineSettings s = new EngineSettings(b.store, b.directory,
                new NoticingAuditSink(b.auditSink != null ? b.auditSink : new Slf4jAuditSink(),
                        b.notifier != null ? b.notifier : new Slf4jNotifier()),
                b.clock != null ? b.clock : Clock.systemUTC(),
                b.policy != null ? b.policy : Policy.defaults(),
                b.classifier != null ? b.classifier : new GitAwareMethodClassifier(),
                b.format != null ? b.format : TokenFormat.defaults(),
                b.digester != null ? b.digester : Digester.sha256(),
                Optional.ofNullable(effective), Optional.ofNullable(b.broadcaster), dirTtl,
                b.lastUseFlushInterval != null ? b.lastUseFlushInterval : Duration.ofSeconds(5),
                b.cacheMaximumSize != null ? b.cacheMaximumSize : 100_000L,
                b.basicUsernameMustMatch == null || b.basicUsernameMustMatch, refusals(b));
        NodeSettings n = new NodeSettings(b.nodeName != null ? b.nodeName : defaultNodeName(), b.singleNode != null,
                b.heartbeatInterval != null ? b.heartbeatInterval : Duration.ofSeconds(10),
                b.storeWait != null ? b.storeWait : Duration.ofSeconds(2));
        return new Latchkey(s, n);
    }

    /** host-pid-random: recognisable in logs, unique even for several engines in one process. */
    private static String defaultNodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = "node";
        }
        host = host.replaceAll("[^A-Za-z0-9._:-]", "").toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            host = "node";
        }
        if (host.length() > 40) {
            host = host.substring(0, 40);
        }
        return host + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    }

    private static EngineSettings.Refusals refusals(Latchkey.Builder b) {
        EngineSettings.Refusals d = EngineSettings.Refusals.defaults();
        return new EngineSettings.Refusals(b.failedAttemptLimit != null ? b.failedAttemptLimit.failedAttempts() : d.failedAttempts(),
                b.failedAttemptLimit != null ? b.failedAttemptLimit.failedPer() : d.failedPer(),
                b.refusalWindow != null ? b.refusalWindow : d.window(),
                b.auditQueueCapacity != null ? b.auditQueueCapacity : d.auditQueueCapacity());
    }
}
