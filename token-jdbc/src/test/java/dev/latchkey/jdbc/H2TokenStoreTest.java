package dev.latchkey.jdbc;

import org.junit.jupiter.api.BeforeAll;

/** TokenStore TCK and JDBC store tests on H2 (in memory; always runs). */
class H2TokenStoreTest extends JdbcTokenStoreSuite {
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
