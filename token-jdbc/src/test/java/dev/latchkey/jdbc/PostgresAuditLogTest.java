package dev.latchkey.jdbc;

/** AuditLog TCK and JDBC audit tests on PostgreSQL (skipped unless latchkey.test.postgres.url is given). */
class PostgresAuditLogTest extends JdbcAuditLogSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres(); // skips (or fails when servers are required) each test if not configured
    }
}
