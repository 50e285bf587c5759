package dev.latchkey.benchmarks.jdbc;

import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.benchmarks.Scenario;
import dev.latchkey.benchmarks.TokenText;
import dev.latchkey.core.Actor;
import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.bitbucket.BitbucketRequestClassifier;
import dev.latchkey.jdbc.JdbcAuditLog;
import dev.latchkey.jdbc.JdbcTokenStore;
import dev.latchkey.jdbc.SchemaInstaller;
import dev.latchkey.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.h2.jdbcx.JdbcConnectionPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The refusal path under a sustained garbage flood (issue 10, section 6), on {@code JdbcTokenStore} and
 * {@code JdbcAuditLog} over H2 (in memory), as a host with the JDBC store would run it.
 *
 * <p>One JMH group, two threads: {@code legit} authenticates the valid token of {@link Scenario} (a cache hit),
 * sampled for its latency distribution; {@code attacker} sends, round robin from four source addresses, made-up
 * tokens with a valid checksum (each distinct, so each misses the negative cache and would cost a SELECT) and
 * plain garbage. With {@code flood=false} the attacker thread only parks, so the legit thread's numbers are
 * the idle baseline measured in the same setup. {@code limit=on} is the default engine (20 failures per minute
 * per address, then {@code RATE_LIMITED} without a lookup); {@code limit=off} is the worst case where every
 * made-up token reaches the store. Compare {@code flood:legit} p0.99 between {@code flood=false} and
 * {@code flood=true}.
 *
 * <p>The refusal window is 1 s here (default 60 s) so that a short run spans many windows. At the end of each
 * trial the number of refused requests and of audit rows is printed as {@code FLOOD-AUDIT ...}: rows grow with
 * windows x sources x reasons, not with requests.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar FloodBenchmark -f 1 -wi 2 -i 3 -r 2s}.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class FloodBenchmark {
    static final String[] SOURCES = {"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"};
    private static final String PREFIX = "lkflood_";

    @Param({"false", "true"})
    public boolean flood;

    @Param({"on", "off"})
    public String limit;

    public Latchkey latchkey;
    public Credential valid;
    public RequestFacts request;
    public final LongAdder refusals = new LongAdder();
    private JdbcConnectionPool pool;
    private long started;

    private static final AtomicInteger DB = new AtomicInteger();

    /** The attacker's stream of distinct made-up tokens. */
    @State(Scope.Thread)
    public static class Attacker {
        final Random random = new Random(7);
        long n;
    }

    @Setup(Level.Trial)
    public void setUp() {
        pool = JdbcConnectionPool.create("jdbc:h2:mem:latchkey-flood-" + DB.incrementAndGet() + ";DB_CLOSE_DELAY=-1",
                "sa", "");
        SchemaInstaller.install(pool, SqlDialect.H2, PREFIX);
        Latchkey.Builder b = Latchkey.builder()
                .store(JdbcTokenStore.builder(pool).dialect(SqlDialect.H2).tablePrefix(PREFIX).build())
                .directory(new InMemoryUserDirectory().add(Scenario.OWNER, "developers"))
                .auditSink(JdbcAuditLog.builder(pool).dialect(SqlDialect.H2).tablePrefix(PREFIX).build())
                .classifier(new BitbucketRequestClassifier())
                .refusalWindow(Duration.ofSeconds(1));
        if (limit.equals("off")) {
            b.noFailedAttemptLimit();
        } else if (!limit.equals("on")) {
            throw new IllegalArgumentException("limit must be on or off, was " + limit);
        }
        latchkey = b.build();
        IssuedToken issued = latchkey.tokens().create(Actor.user(Scenario.OWNER),
                NewToken.builder("ci", Scenario.SCOPE.level()).resources(Scenario.SCOPE.resources())
                        .allowedCidrs(Scenario.TOKEN_CIDRS).build());
        valid = Credential.bearer(issued.secret().reveal());
        request = Scenario.REQUEST;
        if (!latchkey.authenticator().authenticate(valid, request).isAllowed()) {
            throw new IllegalStateException("the legit token is refused");
        }
        started = System.nanoTime();
    }

    @Benchmark
    @Group("flood")
    @GroupThreads(1)
    public Decision legit() {
        return latchkey.authenticator().authenticate(valid, request);
    }

    @Benchmark
    @Group("flood")
    @GroupThreads(1)
    public Decision attacker(Attacker a) {
        if (!flood) {
            LockSupport.parkNanos(100_000);
            return null;
        }
        long n = a.n++;
        String token = (n & 1) == 0 ? TokenText.personal(a.random) : "garbage-" + n;
        Decision d = latchkey.authenticator().authenticate(Credential.bearer(token),
                RequestFacts.of("GET", "/rest/api/1.0/projects", SOURCES[(int) (n % SOURCES.length)]));
        refusals.increment();
        return d;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        double seconds = (System.nanoTime() - started) / 1e9;
        latchkey.close(); // closes the open window and drains the audit queue
        long rows;
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + PREFIX + "audit WHERE event_type = 'AUTHENTICATION_REFUSED'")) {
            rs.next();
            rows = rs.getLong(1);
        }
        long refused = refusals.sum();
        System.out.printf("%nFLOOD-AUDIT flood=%s limit=%s refusals=%d auditRows=%d seconds=%.1f windows<=%d sources=%d "
                        + "rowsPer1MRefusals=%.1f stats=%s%n", flood, limit, refused, rows, seconds,
                (long) Math.ceil(seconds) + 1, SOURCES.length, refused == 0 ? 0.0 : rows * 1e6 / refused,
                latchkey.refusalStats());
        pool.dispose();
    }
}
