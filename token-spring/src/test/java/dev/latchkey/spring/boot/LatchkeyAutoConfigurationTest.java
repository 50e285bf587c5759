package dev.latchkey.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.ClusterState;
import dev.latchkey.core.Latchkey;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.TokenStore;
import dev.latchkey.spi.UserDirectory;
import dev.latchkey.spring.LatchkeyScopeExpressions;
import dev.latchkey.spring.UserDetailsServiceDirectory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/** The auto-configuration without a server: what it makes, what gives way, and which settings fail the start. */
class LatchkeyAutoConfigurationTest {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LatchkeyAutoConfiguration.class,
                    LatchkeyObservabilityAutoConfiguration.class))
            .withBean(UserDetailsService.class, () -> new InMemoryUserDetailsManager(
                    User.withUsername("alice").password("{noop}x").roles("USER").build()));

    @Test
    void contextWhenOnlyUsersGivenThenEverythingIsMadeAndTheFilterIsNotAContainerFilter() {
        runner.run(c -> {
            assertThat(c).hasNotFailed();
            assertThat(c).hasSingleBean(Latchkey.class).hasSingleBean(LatchkeyFilter.class)
                    .hasSingleBean(LatchkeyScopeExpressions.class).hasBean("latchkey");
            assertThat(c.getBean(TokenStore.class)).isInstanceOf(InMemoryTokenStore.class);
            assertThat(c.getBean(UserDirectory.class)).isInstanceOf(UserDetailsServiceDirectory.class);
            FilterRegistrationBean<?> registration = c.getBean(FilterRegistrationBean.class);
            assertThat(registration.getFilter()).isSameAs(c.getBean(LatchkeyFilter.class));
            assertThat(registration.isEnabled()).isFalse();
            ServletRegistrationBean<?> rest = c.getBean("latchkeyRestServlet", ServletRegistrationBean.class);
            assertThat(rest.getUrlMappings()).containsExactly("/rest/latchkey/1.0/*");
            assertThat(c).hasSingleBean(LatchkeyMeterBinder.class).hasSingleBean(LatchkeyHealthIndicator.class);
        });
    }

    @Test
    void propertiesWhenPolicyAndPrefixesSetThenTheEngineUsesThem() {
        runner.withPropertyValues("latchkey.policy.max-tokens-per-user=3", "latchkey.policy.levelGrants=*=READ",
                        "latchkey.policy.self-rotation=SERVICE",
                        "latchkey.personal-token-prefix=acme", "latchkey.rest.base-path=/api/tokens")
                .run(c -> {
                    Latchkey l = c.getBean(Latchkey.class);
                    assertThat(l.policy().current().maxTokensPerUser().getAsInt()).isEqualTo(3);
                    assertThat(l.policy().current().selfRotation()).containsExactly(dev.latchkey.spi.TokenKind.SERVICE);
                    assertThat(l.policy().current().maxLevelFor(List.of())).isEqualTo(Optional.of(AccessLevel.READ));
                    assertThat(l.tokenFormat().personalPrefix()).isEqualTo("acme");
                    assertThat(c.getBean("latchkeyRestServlet", ServletRegistrationBean.class).getUrlMappings())
                            .containsExactly("/api/tokens/*");
                });
    }

    @Test
    void policyWhenUnknownSettingThenStartFailsNamingIt() {
        runner.withPropertyValues("latchkey.policy.max-tokens-per-usr=3").run(c ->
                assertThat(c).getFailure().rootCause().hasMessageContaining("maxTokensPerUsr"));
    }

    @Test
    void storeWhenJdbcDemandedWithoutDataSourceThenStartFailsNamingTheProperty() {
        runner.withPropertyValues("latchkey.store.type=jdbc").run(c ->
                assertThat(c).getFailure().rootCause().hasMessageContaining("latchkey.store.type=jdbc"));
    }

    @Test
    void restBasePathWhenTraversalThenStartFailsNamingTheProperty() {
        runner.withPropertyValues("latchkey.rest.base-path=/rest/../admin").run(c ->
                assertThat(c).getFailure().rootCause().hasMessageContaining("basePath"));
    }

    @Test
    void usersWhenNoUserDetailsServiceNorDirectoryThenStartFailsSayingWhatToDefine() {
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(LatchkeyAutoConfiguration.class))
                .run(c -> assertThat(c).getFailure().rootCause().hasMessageContaining("UserDetailsService"));
    }

    @Test
    void beansWhenTheApplicationDefinesItsOwnThenTheyWin() {
        InMemoryTokenStore mine = new InMemoryTokenStore();
        runner.withBean(TokenStore.class, () -> mine).run(c -> {
            assertThat(c.getBean(TokenStore.class)).isSameAs(mine);
            assertThat(c).hasSingleBean(Latchkey.class);
        });
    }

    @Test
    void storeWhenTheApplicationHasADataSourceThenJdbcStoreAndAuditLogOnIt() {
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:mem:autoconfig-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        runner.withBean("dataSource", javax.sql.DataSource.class, () -> h2).run(c -> {
            assertThat(c).hasNotFailed();
            // regression: the in-memory fallback's beans used to be registered first and won
            assertThat(c.getBean(TokenStore.class)).isInstanceOf(dev.latchkey.jdbc.JdbcTokenStore.class);
            assertThat(c.getBean(dev.latchkey.spi.AuditSink.class)).isInstanceOf(dev.latchkey.jdbc.JdbcAuditLog.class);
        });
        runner.withBean("dataSource", javax.sql.DataSource.class, () -> h2)
                .withPropertyValues("latchkey.store.type=memory")
                .run(c -> assertThat(c.getBean(TokenStore.class)).isInstanceOf(InMemoryTokenStore.class));
    }

    @Test
    void singleNodeWhenDeclaredThenAJdbcBackedEngineDoesNotFollowTheChangeFeed() {
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:mem:single-node-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        // by default a store other nodes can share is followed
        runner.withBean("dataSource", javax.sql.DataSource.class, () -> h2).run(c -> {
            assertThat(c).hasNotFailed();
            assertThat(c.getBean(TokenStore.class)).isInstanceOf(dev.latchkey.jdbc.JdbcTokenStore.class);
            assertThat(c.getBean(Latchkey.class).clusterState().mode()).isEqualTo(ClusterState.Mode.FOLLOWING);
        });
        runner.withBean("dataSource", javax.sql.DataSource.class, () -> h2)
                .withPropertyValues("latchkey.single-node=false")
                .run(c -> assertThat(c.getBean(Latchkey.class).clusterState().mode())
                        .isEqualTo(ClusterState.Mode.FOLLOWING));
        runner.withBean("dataSource", javax.sql.DataSource.class, () -> h2)
                .withPropertyValues("latchkey.single-node=true")
                .run(c -> {
                    assertThat(c).hasNotFailed();
                    assertThat(c.getBean(LatchkeyProperties.class).isSingleNode()).isTrue();
                    assertThat(c.getBean(Latchkey.class).clusterState().mode())
                            .isEqualTo(ClusterState.Mode.SINGLE_NODE);
                });
    }

    @Test
    void singleNodeWhenAlsoClusterEnabledThenStartFailsNamingBoth() {
        runner.withPropertyValues("latchkey.single-node=true", "latchkey.cluster.enabled=true").run(c ->
                assertThat(c).getFailure().rootCause().hasMessageContaining("cluster(...)")
                        .hasMessageContaining("singleNode()"));
    }

    @Test
    void directoryCacheTtlWhenUnsetThenTheEnginesDefaultAndAtMostTheClusterBound() {
        LatchkeyProperties p = new LatchkeyProperties();
        assertThat(LatchkeyAutoConfiguration.directoryCacheTtl(p)).isEqualTo(Duration.ofSeconds(2));
        p.getCluster().setEnabled(true);
        p.getCluster().setStalenessBound(Duration.ofMillis(800));
        assertThat(LatchkeyAutoConfiguration.directoryCacheTtl(p)).isEqualTo(Duration.ofMillis(800));
        p.setDirectoryCacheTtl(Duration.ofMillis(300));
        assertThat(LatchkeyAutoConfiguration.directoryCacheTtl(p)).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void directoryCacheTtlWhenAboveTheClusterBoundThenStartFailsSayingSo() {
        runner.withPropertyValues("latchkey.cluster.enabled=true", "latchkey.cluster.staleness-bound=1s",
                "latchkey.directory-cache-ttl=5s").run(c ->
                assertThat(c).getFailure().rootCause().hasMessageContaining("directoryCacheTtl")
                        .hasMessageContaining("staleness bound"));
    }

    @Test
    void latchkeyWhenDisabledThenNothingIsMade() {
        runner.withPropertyValues("latchkey.enabled=false").run(c -> assertThat(c).doesNotHaveBean(Latchkey.class)
                .doesNotHaveBean(LatchkeyFilter.class));
    }
}
