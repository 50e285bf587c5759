package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditLog;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.AuditQuery;
import dev.latchkey.tck.AuditLogContract;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The audit TCK plus JDBC-specific behaviour, run once per database by the subclasses. */
abstract class JdbcAuditLogSuite extends AuditLogContract {

    private final List<String> prefixes = Collections.synchronizedList(new ArrayList<>());

    abstract TestDatabase database();

    @Override
    protected AuditLog createAuditLog() {
        String prefix = database().freshSchema();
        prefixes.add(prefix);
        return JdbcAuditLog.builder(database().dataSource).dialect(database().dialect).tablePrefix(prefix).build();
    }

    @AfterEach
    void dropSchemas() {
        prefixes.forEach(p -> database().drop(p));
        prefixes.clear();
    }

    @Test
    @DisplayName("JdbcAuditLog.record: hostile request values are never rejected — cut to the column and made storable")
    void recordWhenValuesAreHugeOrMalformedThenSanitisedAndStored() {
        String hugeActor = "a".repeat(10_000);
        AuditEvent event = new AuditEvent(AuditEventType.AUTHENTICATION_REFUSED, Instant.parse("2030-01-01T00:00:00Z"),
                hugeActor, Optional.of("t\u0000ok"), Optional.of("half \uD83D"), Optional.of("x".repeat(500)),
                AuditOutcome.FAILURE, Optional.of("r".repeat(5000)), Map.of("k\u0000", "v\uDC00"));

        auditLog().record(event);

        AuditEvent stored = auditLog().query(AuditQuery.all()).items().get(0);
        assertThat(stored.actor()).hasSize(255).startsWith("aaaa").endsWith("…");
        assertThat(stored.tokenId()).contains("t\uFFFDok");
        assertThat(stored.tokenOwner()).contains("half \uFFFD");
        assertThat(stored.clientIp().orElseThrow()).hasSize(100);
        assertThat(stored.reason().orElseThrow()).hasSize(1000);
        assertThat(stored.details()).containsEntry("k\uFFFD", "v\uFFFD");
    }

    @Test
    @DisplayName("JdbcAuditLog.recordAll: a batch of refusals is written in one transaction, hostile values sanitised")
    void recordAllWhenBatchOfHostileEventsThenAllStoredSanitised() {
        List<AuditEvent> batch = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            batch.add(new AuditEvent(AuditEventType.AUTHENTICATION_REFUSED, Instant.parse("2030-01-01T00:00:00Z").plusMillis(i),
                    "anonymous", Optional.empty(), Optional.empty(), Optional.of("10.0.0." + (i % 256) + "\u0000"),
                    AuditOutcome.FAILURE, Optional.of("UNKNOWN"), Map.of("count", Integer.toString(i), "path", "/x\uD800")));
        }
        auditLog().recordAll(batch);
        var page = auditLog().query(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 0, 1));
        assertThat(page.total()).isEqualTo(1200);
        AuditEvent newest = page.items().get(0);
        assertThat(newest.details()).containsEntry("count", "1199").containsEntry("path", "/x\uFFFD");
        assertThat(newest.clientIp()).contains("10.0.0.175\uFFFD");
    }

    @Test
    @DisplayName("JdbcAuditLog.recordAll: a batch holding null is refused whole, nothing written")
    void recordAllWhenBatchHoldsNullThenNothingWritten() {
        List<AuditEvent> batch = new ArrayList<>();
        batch.add(new AuditEvent(AuditEventType.AUTHENTICATION_REFUSED, Instant.parse("2030-01-01T00:00:00Z"), "anonymous",
                Optional.empty(), Optional.empty(), Optional.empty(), AuditOutcome.FAILURE, Optional.of("UNKNOWN"), Map.of()));
        batch.add(null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> auditLog().recordAll(batch))
                .isInstanceOf(NullPointerException.class);
        auditLog().recordAll(List.of());
        assertThat(auditLog().query(AuditQuery.all()).total()).isZero();
    }

    @Test
    @DisplayName("JdbcAuditLog.toString: dialect and prefix, never the data source")
    void toStringWhenBuiltThenShowsNoDataSource() {
        assertThat(auditLog().toString()).contains(database().dialect.name()).doesNotContain("jdbc:");
    }
}
