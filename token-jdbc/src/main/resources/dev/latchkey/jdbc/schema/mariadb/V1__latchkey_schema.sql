-- Latchkey token-jdbc schema, version 1, for MariaDB 10.5 or later (InnoDB, utf8mb4).
-- Table and index names use the default prefix latchkey_; SchemaInstaller substitutes another prefix.
-- Instants are epoch milliseconds (BIGINT). Every statement is idempotent (IF NOT EXISTS).
-- Keys and equality-filtered columns use utf8mb4_nopad_bin: exact, case-sensitive, trailing spaces significant.

CREATE TABLE IF NOT EXISTS latchkey_tokens (
    id               VARCHAR(128)  CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    digest           VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    digest_algorithm VARCHAR(128)  NOT NULL,
    kind             VARCHAR(16)   NOT NULL,
    name             VARCHAR(1000) NOT NULL,
    name_lower       VARCHAR(2000) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    owner            VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    created_by       VARCHAR(255)  NOT NULL,
    level            VARCHAR(16)   NOT NULL,
    domain_levels    MEDIUMTEXT    NOT NULL,
    resources        MEDIUMTEXT    NOT NULL,
    allowed_cidrs    MEDIUMTEXT    NOT NULL,
    hint             VARCHAR(255)  NOT NULL,
    created_at       BIGINT        NOT NULL,
    expires_at       BIGINT,
    revoked_at       BIGINT,
    revoked_by       VARCHAR(255),
    revoke_reason    VARCHAR(1000),
    last_used_at     BIGINT,
    last_used_ip     VARCHAR(100),
    version          BIGINT        NOT NULL,
    CONSTRAINT latchkey_tokens_pk PRIMARY KEY (id),
    CONSTRAINT latchkey_tokens_digest_uq UNIQUE (digest)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE INDEX IF NOT EXISTS latchkey_tokens_owner_created_idx ON latchkey_tokens (owner, created_at, id);
CREATE INDEX IF NOT EXISTS latchkey_tokens_created_idx ON latchkey_tokens (created_at);
CREATE INDEX IF NOT EXISTS latchkey_tokens_expires_idx ON latchkey_tokens (expires_at);
CREATE INDEX IF NOT EXISTS latchkey_tokens_revoked_idx ON latchkey_tokens (revoked_at);
CREATE INDEX IF NOT EXISTS latchkey_tokens_last_used_idx ON latchkey_tokens (last_used_at);

CREATE TABLE IF NOT EXISTS latchkey_change_seq (
    id       INT    NOT NULL,
    last_seq BIGINT NOT NULL,
    CONSTRAINT latchkey_change_seq_pk PRIMARY KEY (id)
) ENGINE=InnoDB;

INSERT IGNORE INTO latchkey_change_seq (id, last_seq) VALUES (1, 0);

CREATE TABLE IF NOT EXISTS latchkey_changes (
    seq         BIGINT       NOT NULL,
    change_type VARCHAR(16)  NOT NULL,
    token_id    VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
    digest      VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
    changed_at  BIGINT       NOT NULL,
    CONSTRAINT latchkey_changes_pk PRIMARY KEY (seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE INDEX IF NOT EXISTS latchkey_changes_at_idx ON latchkey_changes (changed_at);

CREATE TABLE IF NOT EXISTS latchkey_policy (
    id       INT        NOT NULL,
    settings MEDIUMTEXT NOT NULL,
    version  BIGINT     NOT NULL,
    CONSTRAINT latchkey_policy_pk PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE TABLE IF NOT EXISTS latchkey_audit (
    id          BIGINT        NOT NULL AUTO_INCREMENT,
    event_type  VARCHAR(40)   NOT NULL,
    occurred_at BIGINT        NOT NULL,
    actor       VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    token_id    VARCHAR(128)  CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
    token_owner VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
    client_ip   VARCHAR(100),
    outcome     VARCHAR(16)   NOT NULL,
    reason      VARCHAR(1000),
    details     MEDIUMTEXT    NOT NULL,
    CONSTRAINT latchkey_audit_pk PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;

CREATE INDEX IF NOT EXISTS latchkey_audit_at_idx ON latchkey_audit (occurred_at, id);
CREATE INDEX IF NOT EXISTS latchkey_audit_actor_idx ON latchkey_audit (actor, occurred_at);
CREATE INDEX IF NOT EXISTS latchkey_audit_token_idx ON latchkey_audit (token_id, occurred_at);
CREATE INDEX IF NOT EXISTS latchkey_audit_owner_idx ON latchkey_audit (token_owner, occurred_at);
