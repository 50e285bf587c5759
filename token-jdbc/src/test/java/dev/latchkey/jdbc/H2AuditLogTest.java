package dev.latchkey.jdbc;

import org.junit.jupiter.api.BeforeAll;

/** AuditLog TCK and JDBC audit tests on H2 (in memory; always runs). */
class H2AuditLogTest extends JdbcAuditLogSuite {
    private static TestDatabase db;

    @BeforeAll
    static void connect() {
        db = TestDatabase.h2();
    }

    @Override
    TestDatabase database() {
        return db;
    }
}
