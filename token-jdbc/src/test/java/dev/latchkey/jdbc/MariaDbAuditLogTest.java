package dev.latchkey.jdbc;

/** AuditLog TCK and JDBC audit tests on MariaDB (skipped unless latchkey.test.mariadb.url is given). */
class MariaDbAuditLogTest extends JdbcAuditLogSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.mariadb(); // skips (or fails when servers are required) each test if not configured
    }
}
