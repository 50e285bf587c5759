package dev.latchkey.benchmarks.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Decision;
import dev.latchkey.core.RefusalReason;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RevocationLatencyBenchmark} measures what its name says: each invocation ends with B refusing, as
 * {@code REVOKED}, the token revoked on A, within the bound. Needs PostgreSQL, from {@code LATCHKEY_BENCH_POSTGRES_URL}
 * or the test suites' {@code LATCHKEY_TEST_POSTGRES_URL}; skipped with a message without either.
 */
class RevocationLatencySetupTest {

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }

    @ParameterizedTest(name = "wakeUp={0}")
    @ValueSource(strings = {"listen", "poll"})
    void invocationWhenRevokedOnAThenRefusedOnBAsRevokedWithinTheBound(String wakeUp) throws Exception {
        String kind = env("LATCHKEY_BENCH_POSTGRES_URL") != null ? "BENCH" : "TEST";
        String url = env("LATCHKEY_" + kind + "_POSTGRES_URL");
        Assumptions.assumeTrue(url != null, "RevocationLatencyBenchmark setup SKIPPED: no PostgreSQL "
                + "(set LATCHKEY_BENCH_POSTGRES_URL or LATCHKEY_TEST_POSTGRES_URL)");
        RevocationLatencyBenchmark b = new RevocationLatencyBenchmark();
        b.wakeUp = wakeUp;
        b.load = 1;
        b.prefix = "lkbench_revtest_";
        b.url = url;
        b.user = env("LATCHKEY_" + kind + "_POSTGRES_USER");
        b.password = env("LATCHKEY_" + kind + "_POSTGRES_PASSWORD");
        b.setUp();
        try {
            for (int i = 0; i < 3; i++) {
                b.revokeOnA();
                long start = System.nanoTime();
                Decision d = b.firstRefusalOnB();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(d).isInstanceOf(Decision.Refused.class);
                assertThat(((Decision.Refused) d).reason()).isEqualTo(RefusalReason.REVOKED);
                assertThat(ms).as("refused on B after revoke() on A, ms").isLessThan(2_000);
            }
        } finally {
            b.tearDown();
        }
    }
}
