package dev.latchkey.jdbc;

import dev.latchkey.spi.NoticeLedger;
import dev.latchkey.tck.NoticeLedgerContract;

/** NoticeLedger TCK on H2 (always runs): two ledger instances over one database are two nodes. */
class H2NoticeLedgerTest extends NoticeLedgerContract {
    private static final String PREFIX = TestDatabase.h2().newPrefix();

    @Override
    protected NoticeLedger createLedger() {
        TestDatabase db = TestDatabase.h2();
        return JdbcNoticeLedger.of(db.dataSource, db.dialect, PREFIX).installSchema();
    }
}
