/**
 * JDBC implementations of Latchkey's storage SPI: {@link dev.latchkey.jdbc.JdbcTokenStore},
 * {@link dev.latchkey.jdbc.JdbcAuditLog}, {@link dev.latchkey.jdbc.SchemaInstaller} and
 * {@link dev.latchkey.jdbc.SqlDialect}.
 *
 * <p>Schema scripts for Flyway or Liquibase users are resources at
 * {@code dev/latchkey/jdbc/schema/{h2,postgresql,mariadb}/V1__latchkey_schema.sql} (default table prefix
 * {@code latchkey_}).
 */
package dev.latchkey.jdbc;
