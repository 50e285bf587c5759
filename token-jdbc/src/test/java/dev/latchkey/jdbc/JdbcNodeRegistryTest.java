package dev.latchkey.jdbc;

import dev.latchkey.spi.NodeRegistry;
import dev.latchkey.tck.NodeRegistryContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/** The node registry of {@link JdbcTokenStore} (schema V2) passes the TCK on H2, PostgreSQL and MariaDB. */
class JdbcNodeRegistryTest {

    abstract static class OnDatabase extends NodeRegistryContract {
        private final List<String> prefixes = new ArrayList<>();

        abstract TestDatabase database();

        @Override
        protected NodeRegistry createRegistry() {
            String prefix = database().freshSchema();
            prefixes.add(prefix);
            return JdbcTokenStore.builder(database().dataSource).dialect(database().dialect).tablePrefix(prefix).build();
        }

        @AfterEach
        void drop() {
            prefixes.forEach(p -> database().drop(p));
        }
    }

    @Nested
    class H2 extends OnDatabase {
        @Override
        TestDatabase database() {
            return TestDatabase.h2();
        }
    }

    @Nested
    class Postgres extends OnDatabase {
        @Override
        TestDatabase database() {
            return TestDatabase.postgres();
        }
    }

    @Nested
    class MariaDb extends OnDatabase {
        @Override
        TestDatabase database() {
            return TestDatabase.mariadb();
        }
    }
}
