package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.StoreUnavailableException;

import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Builder validation and failure messages; no database needed (or an unreachable one). */
class JdbcTokenStoreBuilderTest {

    private static final SimpleDataSource UNREACHABLE = new SimpleDataSource("jdbc:h2:tcp://127.0.0.1:1/nowhere", "sa", "pw-123") {
        @Override
        public java.sql.Connection getConnection() throws java.sql.SQLException {
            throw new SQLNonTransientConnectionException("Connection refused to jdbc:h2:tcp://127.0.0.1:1/nowhere?password=pw-123", "08001");
        }
    };

    @ParameterizedTest
    @ValueSource(strings = {"", "1abc", "_x", "a-b", "a b", "x;DROP TABLE y", "a\"b", "ä", "abcdefghijabcdefghijabcdefghijab", "x/*"})
    @DisplayName("tablePrefix: must match [A-Za-z][A-Za-z0-9_]{0,30} — anything else is rejected before reaching SQL")
    void tablePrefixWhenNotAPlainIdentifierThenIllegalArgumentException(String prefix) {
        assertThatThrownBy(() -> JdbcTokenStore.builder(UNREACHABLE).tablePrefix(prefix))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[A-Za-z][A-Za-z0-9_]{0,30}");
        assertThatThrownBy(() -> JdbcAuditLog.builder(UNREACHABLE).tablePrefix(prefix)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SchemaInstaller.install(UNREACHABLE, SqlDialect.H2, prefix)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "A1_", "latchkey_", "abcdefghijabcdefghijabcdefghija"})
    @DisplayName("tablePrefix: plain identifiers up to 31 characters are accepted")
    void tablePrefixWhenPlainIdentifierThenAccepted(String prefix) {
        assertThatCode(() -> JdbcTokenStore.builder(UNREACHABLE).tablePrefix(prefix)).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("Builder: each option may be set once")
    void builderWhenOptionSetTwiceThenIllegalStateException() {
        assertThatThrownBy(() -> JdbcTokenStore.builder(UNREACHABLE).dialect(SqlDialect.H2).dialect(SqlDialect.MARIADB))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("H2");
        assertThatThrownBy(() -> JdbcTokenStore.builder(UNREACHABLE).tablePrefix("a_").tablePrefix("b_"))
                .isInstanceOf(IllegalStateException.class).hasMessage("tablePrefix was already set to a_");
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC);
        assertThatThrownBy(() -> JdbcTokenStore.builder(UNREACHABLE).clock(clock).clock(clock))
                .isInstanceOf(IllegalStateException.class).hasMessage("clock was already set to " + clock);
        assertThatThrownBy(() -> JdbcTokenStore.builder(UNREACHABLE).queryTimeout(Duration.ofSeconds(1)).queryTimeout(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> JdbcAuditLog.builder(UNREACHABLE).dialect(SqlDialect.H2).dialect(SqlDialect.H2))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("queryTimeout: zero (none) or positive; negative rejected")
    void queryTimeoutWhenNegativeThenIllegalArgumentException() {
        assertThatThrownBy(() -> JdbcTokenStore.builder(UNREACHABLE).queryTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(JdbcTokenStore.builder(UNREACHABLE).dialect(SqlDialect.H2).queryTimeout(Duration.ZERO).build().toString())
                .contains("queryTimeout=PT0S");
        assertThatThrownBy(() -> JdbcTokenStore.builder(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("hotPathTimeout: must be positive (the request path always has a limit), settable once, on both builders")
    void hotPathTimeoutWhenZeroOrNegativeOrTwiceThenRejected() {
        assertThatThrownBy(() -> JdbcTokenStore.builder(UNREACHABLE).hotPathTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hotPathTimeout");
        assertThatThrownBy(() -> JdbcAuditLog.builder(UNREACHABLE).hotPathTimeout(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hotPathTimeout");
        assertThatThrownBy(() -> JdbcTokenStore.builder(UNREACHABLE).hotPathTimeout(Duration.ofDays(365)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JdbcTokenStore.builder(UNREACHABLE).hotPathTimeout(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("hotPathTimeout");
        assertThatThrownBy(() -> JdbcTokenStore.builder(UNREACHABLE).hotPathTimeout(Duration.ofSeconds(1))
                .hotPathTimeout(Duration.ofSeconds(2))).isInstanceOf(IllegalStateException.class);
        assertThat(JdbcAuditLog.builder(UNREACHABLE).dialect(SqlDialect.H2).hotPathTimeout(Duration.ofMillis(700)).build()
                .toString()).contains("hotPathTimeout=PT0.7S");
    }

    @Test
    @DisplayName("build: without a dialect the database is asked; unreachable -> StoreUnavailableException with advice, no secrets")
    void buildWhenDialectUnsetAndDatabaseUnreachableThenStoreUnavailableException() {
        assertThatThrownBy(() -> JdbcTokenStore.builder(UNREACHABLE).build())
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("dialect(")
                .hasMessageContaining("08001")
                .hasMessageNotContaining("pw-123")
                .hasMessageNotContaining("jdbc:");
    }

    @Test
    @DisplayName("operations on an unreachable database: StoreUnavailableException naming the operation, never the URL or password")
    void operationsWhenDatabaseUnreachableThenStoreUnavailableWithoutSecrets() {
        JdbcTokenStore store = JdbcTokenStore.builder(UNREACHABLE).dialect(SqlDialect.POSTGRESQL).build();

        assertThatThrownBy(() -> store.findByDigest("d")).isInstanceOf(StoreUnavailableException.class)
                .hasMessage("JdbcTokenStore.findByDigest failed: cannot reach the database (SQLState 08001, SQLNonTransientConnectionException)");
        assertThatThrownBy(() -> store.recordLastUse(List.of(new dev.latchkey.spi.LastUse("id", java.time.Instant.EPOCH, "ip"))))
                .isInstanceOf(StoreUnavailableException.class).hasMessageNotContaining("pw-123");
        assertThat(store.toString()).isEqualTo("JdbcTokenStore[dialect=POSTGRESQL, tablePrefix=latchkey_, hotPathTimeout=PT2S, queryTimeout=PT30S]");
    }

    @Test
    @DisplayName("SchemaInstaller.statements: the V1 script with the prefix substituted in every table and index name")
    void statementsWhenPrefixGivenThenEveryNameUsesIt() {
        for (SqlDialect dialect : SqlDialect.values()) {
            List<String> statements = SchemaInstaller.statements(dialect, "acme_");
            assertThat(statements).isNotEmpty().noneMatch(s -> s.contains("latchkey_tokens") || s.contains("latchkey_audit"));
            assertThat(String.join("\n", statements)).contains("acme_tokens", "acme_changes", "acme_change_seq", "acme_policy",
                    "acme_audit", "acme_tokens_digest_uq", "acme_tokens_owner_created_idx");
            assertThat(SchemaInstaller.statements(dialect, "latchkey_")).hasSameSizeAs(statements);
        }
    }
}
