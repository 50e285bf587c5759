package dev.latchkey.jdbc.internal;

import dev.latchkey.jdbc.SqlDialect;
import dev.latchkey.spi.StoreUnavailableException;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/** Detects the {@link SqlDialect} from {@link DatabaseMetaData}. */
public final class Dialects {
    private Dialects() {
    }

    /**
     * @throws StoreUnavailableException if the database cannot be reached
     * @throws IllegalStateException     if the product is not one token-jdbc supports
     */
    public static SqlDialect detect(DataSource dataSource, String component) {
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            return fromProduct(md.getDatabaseProductName(), md.getDatabaseProductVersion());
        } catch (SQLException e) {
            throw new Jdbc(dataSource, java.time.Duration.ZERO, component).unavailable("build (detecting the SQL dialect; set dialect(...) to"
                    + " build without a connection)", e);
        }
    }

    static SqlDialect fromProduct(String product, String version) {
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        String v = version == null ? "" : version.toLowerCase(Locale.ROOT);
        if (p.contains("h2")) {
            return SqlDialect.H2;
        }
        if (p.contains("postgresql")) {
            return SqlDialect.POSTGRESQL;
        }
        if (p.contains("mariadb") || (p.contains("mysql") && v.contains("mariadb"))) {
            return SqlDialect.MARIADB;
        }
        throw new IllegalStateException("cannot use database product \"" + product + "\": token-jdbc supports H2,"
                + " PostgreSQL and MariaDB (MySQL lacks the utf8mb4_nopad_bin collation the schema relies on)");
    }
}
