package dev.latchkey.jdbc;

/**
 * The databases token-jdbc supports. Each has its own schema script; the SQL the stores run is the same
 * portable subset on all three (bound parameters, {@code LIMIT ? OFFSET ?}, explicit null ordering).
 */
public enum SqlDialect {
    /** H2 2.x (embedded or server mode). */
    H2("h2"),
    /** PostgreSQL 12 or later. */
    POSTGRESQL("postgresql"),
    /** MariaDB 10.5 or later (InnoDB, utf8mb4). MySQL is not supported: it lacks utf8mb4_nopad_bin. */
    MARIADB("mariadb");

    private final String scriptDirectory;

    SqlDialect(String scriptDirectory) {
        this.scriptDirectory = scriptDirectory;
    }

    /**
     * The class-path location of this dialect's versioned schema scripts, e.g.
     * {@code dev/latchkey/jdbc/schema/postgresql} (point Flyway's {@code locations} at
     * {@code classpath:} plus this). The module descriptor opens these folders, so a migration tool on the
     * module path can read them.
     *
     * @return the resource folder of this dialect's scripts
     */
    public String schemaLocation() {
        return "dev/latchkey/jdbc/schema/" + scriptDirectory;
    }
}
