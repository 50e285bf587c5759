-- Latchkey token-jdbc: the notice ledger (issue 14), for JdbcNoticeLedger. Named V3 so it can sit beside a V2
-- of another feature in a Flyway/Liquibase history; it depends on nothing in V1 or V2.
-- Table names use the default prefix latchkey_; JdbcNoticeLedger.installSchema substitutes another prefix.
-- The primary key is what makes a claim atomic: of N inserts of one (token_id, notice_key) exactly one succeeds.

CREATE TABLE IF NOT EXISTS latchkey_notices (
    token_id    VARCHAR(128) NOT NULL,
    notice_key  VARCHAR(128) NOT NULL,
    claimed_at  BIGINT       NOT NULL,
    PRIMARY KEY (token_id, notice_key)
);
