package dev.latchkey.benchmarks.core;

import dev.latchkey.core.Actor;
import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.Policy;
import dev.latchkey.core.scan.TokenScanner;
import dev.latchkey.spi.AccessLevel;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The push-protection scan (issue 14): {@link TokenScanner} streaming 4 MiB of source-like text (seeded: code
 * lines, {@code _}-rich identifiers, look-alike {@code lkp_} strings with bad checksums and {@code tokens} real
 * tokens) against plain regular-expression scans of the same text.
 * <ul>
 *   <li>{@code scanner}: {@code TokenScanner.scan(Reader, sink)} through its bounded buffer, checksum-verified;</li>
 *   <li>{@code regex}: {@code \b(lkp|lks)_[0-9A-Za-z]{36}\b} with {@code Matcher.find}, no checksum (so it also
 *       reports the look-alikes: what a generic secret scanner does);</li>
 *   <li>{@code regexChecksum}: the same regex, each match then checked with {@code TokenFormat.parse}.</li>
 * </ul>
 * Scores are scans of the 4 MiB text per second: MB/s = score x 4.19.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TokenScanBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TokenScanBenchmark {
    static final int SIZE = 4 << 20;
    private static final Pattern REGEX = Pattern.compile("\\b(lkp|lks)_[0-9A-Za-z]{36}\\b");

    @Param({"0", "100"})
    public int tokens;

    private String text;
    private TokenScanner scanner;
    private Latchkey latchkey;

    @Setup
    public void setUp() {
        latchkey = Latchkey.builder().store(new InMemoryTokenStore()).directory(new InMemoryUserDirectory().add("u", "g"))
                .initialPolicy(Policy.defaults().with(Map.of("useTokens", "g", "createTokens", "g",
                        "levelGrants", "g=WRITE", "maxTokensPerUser", "1000")))
                .build();
        scanner = TokenScanner.of(latchkey.tokenFormat());
        Random r = new Random(14);
        String[] lines = {
            "    private static final String user_name = config.get_value(\"user_name\");\n",
            "export CI_JOB_TOKEN=$CI_JOB_TOKEN && make build_all test_all\n",
            "def handle_request(self, req_id, lkp_like_value):  # not a token\n",
            "    \"description\": \"lkp_ prefix tokens are personal; lks_ are service\",\n",
        };
        StringBuilder sb = new StringBuilder(SIZE + 200);
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        int planted = 0;
        while (sb.length() < SIZE) {
            int pick = r.nextInt(20);
            if (pick == 0) {
                sb.append("token: lkp_");
                for (int i = 0; i < 36; i++) {
                    sb.append(alphabet.charAt(r.nextInt(62))); // a look-alike: the checksum almost surely fails
                }
                sb.append('\n');
            } else if (pick == 1 && planted < tokens) {
                sb.append("password=").append(latchkey.tokens().create(Actor.user("u"),
                        NewToken.builder("b" + planted, AccessLevel.READ).build()).secret().reveal()).append('\n');
                planted++;
            } else {
                sb.append(lines[r.nextInt(lines.length)]);
            }
        }
        text = sb.toString();
    }

    @Benchmark
    public void scanner(Blackhole bh) throws IOException {
        scanner.scan(new StringReader(text), bh::consume);
    }

    @Benchmark
    public void regex(Blackhole bh) {
        Matcher m = REGEX.matcher(text);
        while (m.find()) {
            bh.consume(m.start());
        }
    }

    @Benchmark
    public void regexChecksum(Blackhole bh) {
        Matcher m = REGEX.matcher(text);
        while (m.find()) {
            bh.consume(latchkey.tokenFormat().parse(m.group()));
        }
    }
}
