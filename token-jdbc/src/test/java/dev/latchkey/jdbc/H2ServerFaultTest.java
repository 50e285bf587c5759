package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.AuditQuery;
import dev.latchkey.spi.LastUse;
import dev.latchkey.spi.Scope;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenRecord;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.h2.tools.Server;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real outage: an H2 TCP server (loopback only) is stopped under a running store and started again. The same
 * store instance fails with StoreUnavailableException while it is down and works again once it is back.
 */
class H2ServerFaultTest {
    private static final String PASSWORD = "s3cr3t-Pa55w0rd";
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private Server start(int port) throws Exception {
        SQLException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                return Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", dir.toString(), "-ifNotExists")
                        .start();
            } catch (SQLException e) { // the port may linger briefly after a stop
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static TokenRecord token(String id) {
        return new TokenRecord(id, TokenKind.PERSONAL, "name", "alice", "alice", Scope.of(AccessLevel.WRITE), List.of(),
                "digest-" + id, "sha256", "hint", T0, Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    @Test
    @DisplayName("TokenStore: storage failures surface as StoreUnavailableException; once the storage is back, calls succeed without a restart")
    void operationsWhenServerStopsAndRestartsThenUnavailableThenWorkingAgain() throws Exception {
        int port = freePort();
        Server server = start(port);
        try {
            String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/faultdb";
            SimpleDataSource ds = new SimpleDataSource(url, "sa", PASSWORD);
            SchemaInstaller.install(ds, SqlDialect.H2, "latchkey_");
            JdbcTokenStore store = JdbcTokenStore.builder(ds).dialect(SqlDialect.H2).queryTimeout(Duration.ofSeconds(5)).build();
            JdbcAuditLog audit = JdbcAuditLog.builder(ds).dialect(SqlDialect.H2).build();
            store.insert(token("before"));
            AuditEvent event = new AuditEvent(AuditEventType.TOKEN_CREATED, T0, "alice", Optional.of("before"),
                    Optional.of("alice"), Optional.empty(), AuditOutcome.SUCCESS, Optional.empty(), Map.of());
            audit.record(event);

            server.stop();

            Map<String, ThrowingCallable> operations = new LinkedHashMap<>();
            operations.put("insert", () -> store.insert(token("during")));
            operations.put("findByDigest", () -> store.findByDigest("digest-before"));
            operations.put("findById", () -> store.findById("before"));
            operations.put("update", () -> store.update(token("before").withName("x"), 0));
            operations.put("query", () -> store.query(TokenQuery.builder(T0).build()));
            operations.put("countActive", () -> store.countActive("alice", T0));
            operations.put("recordLastUse", () -> store.recordLastUse(List.of(new LastUse("before", T0, "192.0.2.1"))));
            operations.put("purge", () -> store.purge(T0));
            operations.put("loadPolicy", store::loadPolicy);
            operations.put("savePolicy", () -> store.savePolicy(Map.of("a", "b"), 0));
            operations.put("changesSince", () -> store.changesSince(0, 10));
            operations.put("latestChangeSequence", store::latestChangeSequence);
            operations.put("pruneChanges", () -> store.pruneChanges(T0));
            operations.put("record", () -> audit.record(event));
            operations.put("query ", () -> audit.query(AuditQuery.all()));
            operations.forEach((name, call) -> {
                long t = System.nanoTime();
                assertThatThrownBy(call).as(name)
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("." + name.strip() + " failed")
                    .hasMessageNotContaining(PASSWORD)
                    .hasMessageNotContaining("jdbc:");
                System.err.println("[latchkey-test] " + name + " failed in " + (System.nanoTime() - t) / 1_000_000 + " ms");
            });

            server = start(port);

            assertThat(store.findById("before")).isPresent();
            store.insert(token("after"));
            assertThat(store.findByDigest("digest-after")).isPresent();
            assertThat(store.update(store.findById("before").orElseThrow().withName("renamed"), 0).version()).isEqualTo(1);
            assertThat(store.latestChangeSequence()).isEqualTo(3);
            assertThat(audit.query(AuditQuery.all()).total()).isEqualTo(1);
            assertThat(store.toString()).doesNotContain(PASSWORD);
        } finally {
            server.stop();
        }
    }
}
