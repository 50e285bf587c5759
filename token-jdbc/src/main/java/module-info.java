/**
 * Latchkey's JDBC storage: {@code JdbcTokenStore} and {@code JdbcAuditLog} over a host-provided
 * {@link javax.sql.DataSource} (H2, PostgreSQL, MariaDB), plus versioned schema scripts and an opt-in
 * {@code SchemaInstaller}, {@code DriverTimeouts} and, for PostgreSQL, {@code PgChangeListener}. No connection pool
 * and no JDBC driver are dependencies: the host brings both (pgjdbc is an optional one, used only by
 * {@code PgChangeListener}).
 */
module dev.latchkey.jdbc {
    requires transitive java.sql;
    requires transitive dev.latchkey.spi;
    requires org.slf4j;
    // only PgChangeListener needs pgjdbc; hosts on other databases never load it
    requires static org.postgresql.jdbc;

    exports dev.latchkey.jdbc;
    // The versioned schema scripts (SqlDialect.schemaLocation()): open, so that Flyway or Liquibase on the module
    // path can read them as resources. Opened, not exported: they are data, not API, and not OSGi exports.
    opens dev.latchkey.jdbc.schema.h2;
    opens dev.latchkey.jdbc.schema.postgresql;
    opens dev.latchkey.jdbc.schema.mariadb;
}
