package dev.latchkey.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Actor;
import dev.latchkey.core.Credential;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.jdbc.JdbcTokenStore;
import dev.latchkey.spi.AccessLevel;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * Shutdown of an application with the JDBC store on its DataSource: the engine is closed (its final last-use flush
 * written) before the DataSource closes; and when the database is gone first anyway, the final flush says it is
 * final, with the count it lost, and promises no retry.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownOrderTest {
    private final String url = "jdbc:h2:mem:shutdown-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final RecordingDataSource dataSource = new RecordingDataSource(h2(url), events);

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LatchkeyAutoConfiguration.class))
            .withBean("dataSource", DataSource.class, () -> dataSource)
            .withBean(UserDetailsService.class, () -> new InMemoryUserDetailsManager(
                    User.withUsername("alice").password("{noop}x").roles("USER").build()))
            .withPropertyValues("latchkey.policy.use-tokens=ROLE_USER", "latchkey.policy.create-tokens=ROLE_USER",
                    "latchkey.policy.level-grants=ROLE_USER=WRITE");

    private static JdbcDataSource h2(String url) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser("sa");
        return h2;
    }

    private static IssuedToken useAToken(Latchkey latchkey) {
        IssuedToken t = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build());
        assertThat(latchkey.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                RequestFacts.of("GET", "/x", "192.0.2.7")).isAllowed()).isTrue();
        return t;
    }

    @Test
    void contextCloseWhenATokenWasJustUsedThenTheEngineFlushesBeforeTheDataSourceCloses(CapturedOutput output) {
        String[] id = new String[1];
        runner.run(c -> {
            assertThat(c).hasNotFailed();
            assertThat(c.getBean(dev.latchkey.spi.TokenStore.class)).isInstanceOf(JdbcTokenStore.class);
            assertThat(c.getBeanFactory().getDependentBeans("dataSource")).contains("latchkeyEngine");
            id[0] = useAToken(c.getBean(Latchkey.class)).record().id();
            events.clear();
        });
        // connections were borrowed (the change-feed polls, the last-use write), then the pool closed last; nothing
        // asked for one after that
        assertThat(events).contains("connection").last().isEqualTo("closed");
        assertThat(events).doesNotContain("refused: closed");
        assertThat(output.getAll()).doesNotContain("could not record last use");
        // written, not lost: read it back from the database the closed pool used
        JdbcTokenStore reader = JdbcTokenStore.builder(h2(url)).build();
        assertThat(reader.findById(id[0]).orElseThrow().lastUse()).hasValueSatisfying(u ->
                assertThat(u.clientIp()).isEqualTo("192.0.2.7"));
    }

    @Test
    void contextCloseWhenTheDatabaseClosedFirstThenTheFinalFlushSaysItIsFinalWithTheCount(CapturedOutput output) {
        runner.run(c -> {
            useAToken(c.getBean(Latchkey.class));
            dataSource.close(); // as H2's own JVM shutdown hook does when the URL lacks DB_CLOSE_ON_EXIT=FALSE
        });
        assertThat(output.getAll()).contains("could not record last use of 1 tokens in the final flush",
                "nothing retries").doesNotContain("will retry");
    }

    /** A pool stand-in: records borrowed connections and its close, and refuses connections once closed. */
    static final class RecordingDataSource implements DataSource, AutoCloseable {
        private final DataSource delegate;
        private final List<String> events;
        private volatile boolean closed;

        RecordingDataSource(DataSource delegate, List<String> events) {
            this.delegate = delegate;
            this.events = events;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (closed) {
                events.add("refused: closed");
                throw new SQLException("the pool is closed");
            }
            events.add("connection");
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                events.add("closed");
            }
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
