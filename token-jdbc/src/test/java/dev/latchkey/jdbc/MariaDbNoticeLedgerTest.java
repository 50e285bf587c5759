package dev.latchkey.jdbc;

import dev.latchkey.spi.NoticeLedger;
import dev.latchkey.tck.NoticeLedgerContract;

/** NoticeLedger TCK on a real MariaDB (LATCHKEY_TEST_MARIADB_URL); skipped when none is configured. */
class MariaDbNoticeLedgerTest extends NoticeLedgerContract {
    private static String prefix;

    @Override
    protected NoticeLedger createLedger() {
        TestDatabase db = TestDatabase.mariadb();
        if (prefix == null) {
            prefix = db.newPrefix();
        }
        return JdbcNoticeLedger.of(db.dataSource, db.dialect, prefix).installSchema();
    }
}
