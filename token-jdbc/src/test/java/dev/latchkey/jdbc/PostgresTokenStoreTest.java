package dev.latchkey.jdbc;

/** TokenStore TCK and JDBC store tests on PostgreSQL (skipped unless latchkey.test.postgres.url is given). */
class PostgresTokenStoreTest extends JdbcTokenStoreSuite {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres(); // skips (or fails when servers are required) each test if not configured
    }
}
