package dev.latchkey.core.internal;

import dev.latchkey.core.ChangeBroadcaster;
import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.Policy;
import dev.latchkey.core.TokenFormat;
import dev.latchkey.core.internal.format.Digester;
import dev.latchkey.core.classify.RequestClassifier;
import dev.latchkey.spi.AuditSink;
import dev.latchkey.spi.TokenStore;
import dev.latchkey.spi.UserDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@link Latchkey.Builder#build()} decided, handed to every part of the engine it wires.
 *
 * @since 0.1
 */
public record EngineSettings(TokenStore store, UserDirectory directory, AuditSink audit, Clock clock, Policy initialPolicy,
                      RequestClassifier classifier, TokenFormat format, Digester digester,
                      Optional<ClusterOptions> cluster, Optional<ChangeBroadcaster> broadcaster,
                      Duration directoryCacheTtl, Duration lastUseFlushInterval, long cacheMaximumSize,
                      boolean basicUsernameMustMatch, Refusals refusals) {

    /** The Basic user name that service tokens are sent with (as Bitbucket's repository access tokens). */
    public static final String SERVICE_BASIC_USERNAME = "x-token-auth";

    /**
     * How the refusal path is handled: failed attempts allowed per client address within {@code failedPer}
     * (0: no limit), the aggregation and reporting window, and the audit queue's capacity.
     */
    public record Refusals(int failedAttempts, Duration failedPer, Duration window, int auditQueueCapacity) {
        public static Refusals defaults() {
            return new Refusals(20, Duration.ofMinutes(1), Duration.ofMinutes(1), 10_000);
        }
    }
}
