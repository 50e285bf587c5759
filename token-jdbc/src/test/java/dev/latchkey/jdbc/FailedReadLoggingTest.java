package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Actor;
import dev.latchkey.core.Credential;
import dev.latchkey.core.Decision;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.TokenStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18: a store that is down must not cost a log line per request. The token cache keeps its store reads in a
 * Caffeine async cache, which logs every failed load at WARNING with a stack trace (through
 * {@code System.Logger}, java.util.logging by default) unless the failure is a cancellation; failed and timed-out
 * reads must reach it as such, and still be refused as {@code STORE_UNAVAILABLE}. In memory (a store that throws
 * or hangs); here rather than in token-core because token-core's tests run as a module that does not read
 * java.logging. {@link PgOutageLogTest} checks the same on PostgreSQL.
 */
class FailedReadLoggingTest {
    private final ConcurrentLinkedQueue<String> warnings = new ConcurrentLinkedQueue<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(r.getLoggerName() + ": " + r.getMessage());
            }
        }

        @Override public void flush() { }
        @Override public void close() { }
    };
    private final List<Latchkey> engines = new ArrayList<>();

    @BeforeEach
    void listen() {
        Logger.getLogger("").addHandler(handler);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(handler);
        engines.forEach(Latchkey::close);
    }

    @ParameterizedTest(name = "store {0}")
    @ValueSource(strings = {"fails", "hangs"})
    void authenticateWhenStoreReadsFailThenStoreUnavailableAndNoLogLinePerRequest(String how) {
        InMemoryTokenStore memory = new InMemoryTokenStore();
        AtomicBoolean broken = new AtomicBoolean();
        TokenStore store = (TokenStore) Proxy.newProxyInstance(TokenStore.class.getClassLoader(), new Class<?>[] {TokenStore.class},
                (proxy, method, args) -> {
                    if (broken.get() && method.getName().equals("findByDigest")) {
                        if (how.equals("fails")) {
                            throw new StoreUnavailableException("test store is down");
                        }
                        Thread.sleep(60_000);
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Latchkey lk = Latchkey.builder().store(store).directory(new InMemoryUserDirectory().add("alice", "developers"))
                .auditSink(e -> { }).singleNode().noFailedAttemptLimit().storeWait(Duration.ofMillis(20)).build();
        engines.add(lk);
        List<IssuedToken> tokens = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            tokens.add(lk.tokens().create(Actor.user("alice"), NewToken.builder("t" + i, AccessLevel.READ).build()));
        }
        broken.set(true);
        for (IssuedToken t : tokens) {
            Decision d = lk.authenticator().authenticate(Credential.bearer(t.secret().reveal()), RequestFacts.of("GET", "/x", "10.1.2.3"));
            assertThat(d).isInstanceOf(Decision.Refused.class);
            assertThat(((Decision.Refused) d).reason()).isEqualTo(RefusalReason.STORE_UNAVAILABLE);
        }
        assertThat(warnings).as("java.util.logging warnings for %s refused requests", tokens.size()).isEmpty();
        if (how.equals("hangs")) {
            return; // the engine's store threads are still stuck in the 60 s reads; close() interrupts them
        }
        broken.set(false);
        assertThat(lk.authenticator().authenticate(Credential.bearer(tokens.get(0).secret().reveal()),
                RequestFacts.of("GET", "/x", "10.1.2.3")).isAllowed()).isTrue();
    }
}
