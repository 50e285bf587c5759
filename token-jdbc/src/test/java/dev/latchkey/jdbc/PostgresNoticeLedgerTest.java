package dev.latchkey.jdbc;

import dev.latchkey.spi.NoticeLedger;
import dev.latchkey.tck.NoticeLedgerContract;

/** NoticeLedger TCK on a real PostgreSQL (LATCHKEY_TEST_POSTGRES_URL); skipped when none is configured. */
class PostgresNoticeLedgerTest extends NoticeLedgerContract {
    private static String prefix;

    @Override
    protected NoticeLedger createLedger() {
        TestDatabase db = TestDatabase.postgres();
        if (prefix == null) {
            prefix = db.newPrefix();
        }
        return JdbcNoticeLedger.of(db.dataSource, db.dialect, prefix).installSchema();
    }
}
