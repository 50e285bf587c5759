package dev.latchkey.benchmarks.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.latchkey.benchmarks.Scenario;
import dev.latchkey.benchmarks.TokenText;
import dev.latchkey.core.TokenFormat;
import dev.latchkey.bitbucket.BitbucketRequestClassifier;
import dev.latchkey.core.classify.Requirement;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.spi.TokenKind;
import inet.ipaddr.IPAddress;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Diagnostic: the steps of {@link HotPathBenchmark#engine} one by one, with the same inputs and the same
 * public (or, for {@code CidrSet}, internal) code the engine calls, to tell where the hot path's time goes
 * above the floor. Not a target; the sum is only roughly the whole (inlining and allocation interact).
 * <ul>
 *   <li>{@code parse}: {@code TokenFormat.parse} (prefix, alphabet, CRC32 checksum);</li>
 *   <li>{@code digest}: SHA-256 + hex, as the engine's {@code Digester} does;</li>
 *   <li>{@code cacheHit}: a Caffeine {@code getIfPresent} on a cache built like the engine's;</li>
 *   <li>{@code sameDigest}: the constant-time digest comparison as the engine's package-private
 *       {@code Digester.same} does it (a char loop that XORs and accumulates, no copies), on two equal
 *       strings that are different objects;</li>
 *   <li>{@code clock}: {@code Clock.systemUTC().instant()};</li>
 *   <li>{@code clientIpCidr}: {@code CidrSet.parseClientIp} + {@code contains} on the token's ten ranges;</li>
 *   <li>{@code classify}: {@code BitbucketRequestClassifier.classify} of the scenario request.</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar HotPathPartsBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class HotPathPartsBenchmark {
    public String token;
    public String storedDigest;
    public String presentedDigest;
    public TokenFormat format;
    public MessageDigest sha256;
    public Cache<String, Object> cache;
    public Clock clock;
    public CidrSet cidrs;
    public BitbucketRequestClassifier classifier;

    @Setup(Level.Trial)
    public void setUp() {
        token = TokenText.personal(new Random(3));
        format = TokenFormat.defaults();
        sha256 = TokenText.sha256();
        storedDigest = TokenText.sha256Hex(sha256, token);
        presentedDigest = TokenText.sha256Hex(sha256, token); // equal, but another object, as in the engine
        cache = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(java.time.Duration.ofMinutes(5)).build();
        cache.put(storedDigest, Boolean.TRUE);
        clock = Clock.systemUTC();
        cidrs = CidrSet.compile("tokenCidrs", Scenario.TOKEN_CIDRS);
        classifier = new BitbucketRequestClassifier();
    }

    @Benchmark
    public Optional<TokenKind> parse() {
        return format.parse(token);
    }

    @Benchmark
    public String digest() {
        return TokenText.sha256Hex(sha256, token);
    }

    @Benchmark
    public Object cacheHit() {
        return cache.getIfPresent(storedDigest);
    }

    @Benchmark
    public boolean sameDigest() {
        String a = storedDigest;
        String b = presentedDigest;
        int n = a.length();
        if (n != b.length()) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < n; i++) {
            diff |= a.charAt(i) ^ b.charAt(i);
        }
        return diff == 0;
    }

    @Benchmark
    public Instant clock() {
        return clock.instant();
    }

    @Benchmark
    public boolean clientIpCidr() {
        IPAddress ip = CidrSet.parseClientIp(Scenario.CLIENT_IP).orElse(null);
        return ip != null && cidrs.contains(ip);
    }

    @Benchmark
    public Requirement classify() {
        return classifier.classify(Scenario.REQUEST);
    }
}
