package dev.latchkey.benchmarks.core;

import dev.latchkey.benchmarks.TokenText;
import dev.latchkey.core.Decision;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot path beside the physical floor, the password-hash rivals and garbage, as separate benchmark
 * methods of one class, so one run measures them together and each has a stable name
 * ({@code dev.latchkey.benchmarks.core.HotPathBenchmark.<method>}). Methods rather than a {@code @Param}:
 * the rivals are a million times slower than the rest and need their own iteration settings.
 * <ul>
 *   <li>{@code engine}: the full decision for a valid, cached token (format and checksum, SHA-256, cache,
 *       state, owner and permission, per-token CIDRs, Bitbucket classification, scope, last-use note);</li>
 *   <li>{@code floor}: SHA-256 of the token string (hex, as stored) plus one {@code ConcurrentHashMap}
 *       lookup by digest; nothing that verifies a token can be much faster;</li>
 *   <li>{@code bcrypt}, {@code argon2}, {@code pbkdf2}: verifying the same kind of token hashed like a
 *       password with spring-security-crypto's encoders (defaults);</li>
 *   <li>{@code garbageMadeUp}, {@code garbageWrongChecksum}: refused before any store call.</li>
 * </ul>
 * All in average time per operation, nanoseconds.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar HotPathBenchmark} (full settings), or
 * {@code benchmarks/run-quick.sh} for the quick profile of the whole suite.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class HotPathBenchmark {

    /** Each thread's own SHA-256 instance for the floor (the engine keeps one per thread too). */
    @State(Scope.Thread)
    public static class FloorDigest {
        public final MessageDigest sha256 = TokenText.sha256();
    }

    @Benchmark
    public Decision engine(HotPathState s) {
        return s.authenticator.authenticate(s.valid, s.request);
    }

    @Benchmark
    public Object floor(HotPathState s, FloorDigest d) {
        return s.floorMap.get(TokenText.sha256Hex(d.sha256, s.token));
    }

    @Benchmark
    public Decision garbageMadeUp(HotPathState s) {
        return s.authenticator.authenticate(s.madeUp, s.request);
    }

    @Benchmark
    public Decision garbageWrongChecksum(HotPathState s) {
        return s.authenticator.authenticate(s.wrongChecksum, s.request);
    }

    // Rivals: ~100 ms per call, so short settings of their own keep a full run bounded; a command-line -wi/-i
    // (the quick profile) overrides these like any other.

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 3)
    public boolean bcrypt(RivalState r) {
        return r.bcrypt.matches(r.token, r.bcryptHash);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 3)
    public boolean argon2(RivalState r) {
        return r.argon2.matches(r.token, r.argon2Hash);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 3)
    public boolean pbkdf2(RivalState r) {
        return r.pbkdf2.matches(r.token, r.pbkdf2Hash);
    }
}
