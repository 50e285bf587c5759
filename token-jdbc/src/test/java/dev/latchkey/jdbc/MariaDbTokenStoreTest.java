package dev.latchkey.jdbc;

/** TokenStore TCK and JDBC store tests on MariaDB (skipped unless latchkey.test.mariadb.url is given). */
class MariaDbTokenStoreTest extends JdbcTokenStoreSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.mariadb(); // skips (or fails when servers are required) each test if not configured
    }
}
