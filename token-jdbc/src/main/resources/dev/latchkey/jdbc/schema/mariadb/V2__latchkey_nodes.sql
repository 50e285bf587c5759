-- Latchkey token-jdbc schema, version 2, for MariaDB 10.5 or later: the node registry (heartbeats of the nodes
-- sharing this database). Table names use the default prefix latchkey_; SchemaInstaller substitutes another prefix.
-- Instants are epoch milliseconds (BIGINT). Every statement is idempotent (IF NOT EXISTS).

CREATE TABLE IF NOT EXISTS latchkey_nodes (
    node_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    beat_at BIGINT      NOT NULL,
    CONSTRAINT latchkey_nodes_pk PRIMARY KEY (node_id)
) ENGINE=InnoDB;
