package dev.latchkey.jdbc;

import dev.latchkey.spi.PolicyStore;
import dev.latchkey.tck.ChangeFeedContract;
import dev.latchkey.tck.PolicyStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The optional store capabilities of {@link JdbcTokenStore} pass their kits on H2, PostgreSQL and MariaDB: the
 * policy store and the change feed (the core kit runs in {@link JdbcTokenStoreSuite}, the node registry in
 * {@link JdbcNodeRegistryTest}).
 */
class JdbcCapabilitiesTest {

    /** A fresh schema per test, dropped after it. */
    private static final class Schemas {
        private final List<String> prefixes = new ArrayList<>();

        JdbcTokenStore fresh(TestDatabase db) {
            String prefix = db.freshSchema();
            prefixes.add(prefix);
            return JdbcTokenStore.builder(db.dataSource).dialect(db.dialect).tablePrefix(prefix).build();
        }

        void drop(TestDatabase db) {
            prefixes.forEach(db::drop);
            prefixes.clear();
        }
    }

    abstract static class PolicyOn extends PolicyStoreContract {
        private final Schemas schemas = new Schemas();

        abstract TestDatabase database();

        @Override
        protected PolicyStore createStore() {
            return schemas.fresh(database());
        }

        @AfterEach
        void drop() {
            schemas.drop(database());
        }
    }

    abstract static class FeedOn extends ChangeFeedContract<JdbcTokenStore> {
        private final Schemas schemas = new Schemas();

        abstract TestDatabase database();

        @Override
        protected JdbcTokenStore createStore() {
            return schemas.fresh(database());
        }

        @AfterEach
        void drop() {
            schemas.drop(database());
        }
    }

    @Nested
    class H2Policy extends PolicyOn {
        @Override
        TestDatabase database() {
            return TestDatabase.h2();
        }
    }

    @Nested
    class H2Feed extends FeedOn {
        @Override
        TestDatabase database() {
            return TestDatabase.h2();
        }
    }

    @Nested
    class PostgresPolicy extends PolicyOn {
        @Override
        TestDatabase database() {
            return TestDatabase.postgres();
        }
    }

    @Nested
    class PostgresFeed extends FeedOn {
        @Override
        TestDatabase database() {
            return TestDatabase.postgres();
        }
    }

    @Nested
    class MariaDbPolicy extends PolicyOn {
        @Override
        TestDatabase database() {
            return TestDatabase.mariadb();
        }
    }

    @Nested
    class MariaDbFeed extends FeedOn {
        @Override
        TestDatabase database() {
            return TestDatabase.mariadb();
        }
    }
}
