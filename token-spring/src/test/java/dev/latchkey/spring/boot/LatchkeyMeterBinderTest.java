package dev.latchkey.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Actor;
import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.Credential;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spring.FaultyStore;
import dev.latchkey.spring.LatchkeyCounters;
import dev.latchkey.spring.LatchkeyMetricsSource;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The meters over a real engine, read from a {@link SimpleMeterRegistry} as a scrape would. */
class LatchkeyMeterBinderTest {
    private final InMemoryUserDirectory users = new InMemoryUserDirectory().add("alice", "developers")
            .add("admin", "admins");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Latchkey latchkey;
    /** Held here: meters keep only a weak reference to what they read (in an application the source is a bean). */
    private LatchkeyMetricsSource source;

    @AfterEach
    void close() {
        if (latchkey != null) {
            latchkey.close();
        }
    }

    private Latchkey engine(Latchkey.Builder b) {
        latchkey = b.directory(users).noFailedAttemptLimit().auditSink(e -> { })
                .initialPolicy(dev.latchkey.core.Policy.defaults().with(java.util.Map.of("levelGrants",
                        "developers=WRITE,admins=ADMIN", "manageTokens", "admins"))).build();
        source = LatchkeyMetricsSource.of(latchkey, new LatchkeyCounters());
        new LatchkeyMeterBinder(source).bindTo(registry);
        return latchkey;
    }

    private boolean allowed(IssuedToken t) {
        return latchkey.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                RequestFacts.of("GET", "/x", "10.1.2.3")).isAllowed();
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void metersWhenTokenUsedThreeTimesThenOneMissTwoHitsAndOneTimedStoreRead() {
        engine(Latchkey.builder().store(new InMemoryTokenStore()));
        assertThat(gauge("latchkey.cache.hit.ratio")).isNaN();
        IssuedToken t = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build());
        for (int i = 0; i < 3; i++) {
            assertThat(allowed(t)).isTrue();
        }
        assertThat(registry.get("latchkey.cache.gets").tag("result", "hit").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("latchkey.cache.gets").tag("result", "miss").functionCounter().count()).isEqualTo(1);
        assertThat(gauge("latchkey.cache.hit.ratio")).isEqualTo(2.0 / 3);
        FunctionTimer reads = registry.get("latchkey.store.reads").functionTimer();
        assertThat(reads.count()).isEqualTo(1);
        assertThat(reads.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(registry.get("latchkey.store.read.failures").functionCounter().count()).isZero();
    }

    @Test
    void metersWhenSingleNodeThenModeSingleTrustedNoLag() {
        engine(Latchkey.builder().store(new InMemoryTokenStore()));
        assertThat(gauge("latchkey.cluster.mode", "mode", "single_node")).isEqualTo(1);
        assertThat(gauge("latchkey.cluster.mode", "mode", "following")).isZero();
        assertThat(gauge("latchkey.cluster.mode", "mode", "following_despite_single_node")).isZero();
        assertThat(gauge("latchkey.cluster.trusted")).isEqualTo(1);
        assertThat(gauge("latchkey.cluster.lag")).isZero();
        assertThat(gauge("latchkey.cluster.bound")).isZero();
        assertThat(gauge("latchkey.cluster.live.nodes")).isZero();
    }

    @Test
    void metersWhenTheChangeFeedFailsPastTheBoundThenTrustIsZeroAndLagAboveTheBound() throws Exception {
        FaultyStore faulty = new FaultyStore();
        engine(Latchkey.builder().store(faulty.store()).cluster(ClusterOptions.withBound(Duration.ofMillis(400))));
        IssuedToken t = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build());
        assertThat(gauge("latchkey.cluster.mode", "mode", "following")).isEqualTo(1);
        assertThat(gauge("latchkey.cluster.bound")).isEqualTo(0.4);
        assertThat(gauge("latchkey.cluster.trusted")).isEqualTo(1);
        faulty.feedDown.set(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gauge("latchkey.cluster.trusted") == 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(gauge("latchkey.cluster.trusted")).isZero();
        assertThat(gauge("latchkey.cluster.lag")).isGreaterThan(0.4);
        // without trust every lookup reads the store: a miss each time
        assertThat(allowed(t)).isTrue();
        assertThat(allowed(t)).isTrue();
        assertThat(registry.get("latchkey.cache.gets").tag("result", "miss").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("latchkey.cache.gets").tag("result", "hit").functionCounter().count()).isZero();
        faulty.feedDown.set(false);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gauge("latchkey.cluster.trusted") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(gauge("latchkey.cluster.trusted")).isEqualTo(1);
    }

    @Test
    void metersWhenStoreDownThenFailedReadsCounted() {
        FaultyStore faulty = new FaultyStore();
        engine(Latchkey.builder().store(faulty.store()).singleNode());
        IssuedToken t = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build());
        faulty.down.set(true);
        assertThat(allowed(t)).isFalse();
        assertThat(registry.get("latchkey.store.read.failures").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("latchkey.store.reads").functionTimer().count()).isEqualTo(1);
    }
}
