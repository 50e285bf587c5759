-- Latchkey token-jdbc schema, version 2, for H2 2.x: the node registry (heartbeats of the nodes sharing this
-- database). Table names use the default prefix latchkey_; SchemaInstaller substitutes another prefix.
-- Instants are epoch milliseconds (BIGINT). Every statement is idempotent (IF NOT EXISTS).

CREATE TABLE IF NOT EXISTS latchkey_nodes (
    node_id VARCHAR(64) NOT NULL,
    beat_at BIGINT      NOT NULL,
    CONSTRAINT latchkey_nodes_pk PRIMARY KEY (node_id)
);
