package dev.latchkey.spring.boot;

import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.Policy;
import dev.latchkey.core.Slf4jAuditSink;
import dev.latchkey.core.TokenFormat;
import dev.latchkey.core.classify.RequestClassifier;
import dev.latchkey.jdbc.JdbcAuditLog;
import dev.latchkey.jdbc.JdbcTokenStore;
import dev.latchkey.jdbc.SchemaInstaller;
import dev.latchkey.rest.TokenRestServlet;
import dev.latchkey.servlet.ClientIpResolver;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.spi.AuditSink;
import dev.latchkey.spi.TokenStore;
import dev.latchkey.spi.UserDirectory;
import dev.latchkey.spring.LatchkeyCounters;
import dev.latchkey.spring.LatchkeyMetricsSource;
import dev.latchkey.spring.LatchkeyScopeExpressions;
import dev.latchkey.spring.TokenRestApiMount;
import dev.latchkey.spring.UserDetailsServiceDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * Spring Boot auto-configuration of Latchkey from {@code latchkey.*} properties: the engine, its store (JDBC on the
 * application's {@code DataSource}, schema installed on start, or in memory), the user directory over the host's
 * {@code UserDetailsService}, the {@link LatchkeyFilter} (never registered as a container filter: it runs inside
 * Spring Security through {@link dev.latchkey.spring.LatchkeyConfigurer}), the token REST API servlet, the
 * {@code @latchkey} method-security helper and the counters the metrics read. Every bean gives way to one of the
 * application's own; the application's {@code RequestClassifier} bean, if any, decides what requests need. The engine
 * is closed before the application's {@code DataSource} beans.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration"})
@ConditionalOnClass({Latchkey.class, LatchkeyFilter.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "latchkey.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LatchkeyProperties.class)
@Import({LatchkeyAutoConfiguration.JdbcStore.class, LatchkeyAutoConfiguration.MemoryStore.class})
public class LatchkeyAutoConfiguration {
    /** The engine's bean name. */
    static final String ENGINE_BEAN = "latchkeyEngine";
    /** The engine's default {@code directoryCacheTtl}. */
    static final Duration DEFAULT_DIRECTORY_CACHE_TTL = Duration.ofSeconds(2);

    /** The JDBC store and audit log on the application's DataSource. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(JdbcTokenStore.class)
    @ConditionalOnBean(DataSource.class)
    static class JdbcStore {
        @Bean
        @ConditionalOnMissingBean(TokenStore.class)
        TokenStore latchkeyTokenStore(DataSource dataSource, LatchkeyProperties properties) {
            if (properties.getStore().getType() == LatchkeyProperties.StoreType.MEMORY) {
                return new InMemoryTokenStore();
            }
            String prefix = properties.getStore().getTablePrefix();
            JdbcTokenStore store = JdbcTokenStore.builder(dataSource).tablePrefix(prefix).build();
            if (properties.getStore().isInitializeSchema()) {
                SchemaInstaller.install(dataSource, store.dialect(), prefix);
            }
            return store;
        }

        @Bean
        @ConditionalOnMissingBean(AuditSink.class)
        AuditSink latchkeyAuditSink(DataSource dataSource, LatchkeyProperties properties, TokenStore store) {
            if (store instanceof JdbcTokenStore jdbc) {
                // the store bean installed the schema (audit table included) before this runs
                return JdbcAuditLog.builder(dataSource).dialect(jdbc.dialect())
                        .tablePrefix(properties.getStore().getTablePrefix()).build();
            }
            return new Slf4jAuditSink();
        }
    }

    /**
     * The in-memory store when there is no DataSource (or no token-jdbc). Exclusive with {@link JdbcStore} by its
     * condition, not by bean order: the order in which Spring registers the two nested configurations' beans is not
     * their declaration order, so a {@code @ConditionalOnMissingBean} alone let this one win over the JDBC store.
     */
    @Configuration(proxyBeanMethods = false)
    @Conditional(NoJdbcStore.class)
    static class MemoryStore {
        @Bean
        @ConditionalOnMissingBean(TokenStore.class)
        TokenStore latchkeyTokenStore(LatchkeyProperties properties) {
            if (properties.getStore().getType() == LatchkeyProperties.StoreType.JDBC) {
                throw new IllegalStateException("latchkey.store.type=jdbc, but there is no DataSource bean (or "
                        + "token-jdbc is not on the class path); configure spring.datasource.* or set "
                        + "latchkey.store.type=memory");
            }
            return new InMemoryTokenStore();
        }

        @Bean
        @ConditionalOnMissingBean(AuditSink.class)
        AuditSink latchkeyAuditSink() {
            return new Slf4jAuditSink();
        }
    }

    /** Matches when {@link JdbcStore} does not: token-jdbc absent, or no DataSource bean. */
    static final class NoJdbcStore extends NoneNestedConditions {
        NoJdbcStore() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnClass(name = "dev.latchkey.jdbc.JdbcTokenStore")
        @ConditionalOnBean(DataSource.class)
        static final class JdbcPossible {
        }
    }

    @Bean
    @ConditionalOnMissingBean
    UserDirectory latchkeyUserDirectory(ObjectProvider<UserDetailsService> users, LatchkeyProperties properties) {
        UserDetailsService service = users.getIfUnique();
        if (service == null) {
            throw new IllegalStateException("Latchkey needs the application's users: define one UserDetailsService "
                    + "bean, or a dev.latchkey.spi.UserDirectory bean");
        }
        // the engine and the Spring filter share this adapter: a user found for the engine's cache is the principal
        // of the requests until the engine asks again
        return new UserDetailsServiceDirectory(service, directoryCacheTtl(properties), Clock.systemUTC());
    }

    /** The engine's directory cache lifetime for these properties: the property, at most the cluster bound. */
    static Duration directoryCacheTtl(LatchkeyProperties properties) {
        Duration ttl = properties.getDirectoryCacheTtl() != null ? properties.getDirectoryCacheTtl()
                : DEFAULT_DIRECTORY_CACHE_TTL;
        Duration bound = properties.getCluster().getStalenessBound();
        if (properties.getDirectoryCacheTtl() == null && properties.getCluster().isEnabled() && bound != null
                && bound.compareTo(ttl) < 0) {
            return bound; // as the engine does when the lifetime is left to it
        }
        return ttl;
    }

    @Bean
    @ConditionalOnMissingBean
    LatchkeyCounters latchkeyCounters() {
        return new LatchkeyCounters();
    }

    /**
     * The engine. Closed before every {@code DataSource} bean (whatever the store and audit sink beans declare), so its
     * final last-use flush and audit writes find the database open.
     */
    @Bean(name = ENGINE_BEAN, destroyMethod = "close")
    @ConditionalOnMissingBean
    Latchkey latchkeyEngine(TokenStore store, UserDirectory directory, AuditSink auditSink,
                            LatchkeyCounters counters, LatchkeyProperties properties,
                            ObjectProvider<RequestClassifier> classifier, ConfigurableListableBeanFactory beans) {
        for (String dataSource : beans.getBeanNamesForType(DataSource.class, true, false)) {
            beans.registerDependentBean(dataSource, ENGINE_BEAN);
        }
        Latchkey.Builder b = Latchkey.builder().store(store).directory(directory)
                .auditSink(counters.countingSink(auditSink))
                .basicUsernameMustMatch(properties.isBasicUsernameMustMatch());
        RequestClassifier c = classifier.getIfUnique();
        if (c != null) {
            b.classifier(c);
        }
        if (properties.getDirectoryCacheTtl() != null) {
            b.directoryCacheTtl(properties.getDirectoryCacheTtl());
        }
        if (!properties.getPolicy().isEmpty()) {
            b.initialPolicy(Policy.fromSettings(policySettings(properties.getPolicy())));
        }
        String personal = properties.getPersonalTokenPrefix();
        String service = properties.getServiceTokenPrefix();
        if (personal != null || service != null) {
            TokenFormat d = TokenFormat.defaults();
            b.tokenFormat(TokenFormat.of(personal != null ? personal : d.personalPrefix(),
                    service != null ? service : d.servicePrefix()));
        }
        if (properties.getCluster().isEnabled()) {
            b.cluster(clusterOptions(properties.getCluster()));
        }
        if (properties.isSingleNode()) {
            b.singleNode(); // with latchkey.cluster.enabled=true the engine refuses to start, saying both were set
        }
        return b.build();
    }

    @Bean
    @ConditionalOnMissingBean
    LatchkeyMetricsSource latchkeyMetricsSource(Latchkey latchkey, LatchkeyCounters counters) {
        return LatchkeyMetricsSource.of(latchkey, counters);
    }

    @Bean
    @ConditionalOnMissingBean
    ClientIpResolver latchkeyClientIpResolver(LatchkeyProperties properties) {
        if (properties.getTrustedProxies().isEmpty()) {
            return ClientIpResolver.peerAddressOnly();
        }
        return ClientIpResolver.builder().trustedProxies(properties.getTrustedProxies())
                .customHeader(properties.getClientIpHeader()).build();
    }

    @Bean
    @ConditionalOnMissingBean
    LatchkeyFilter latchkeyFilter(Latchkey latchkey, ClientIpResolver clientIp, LatchkeyProperties properties) {
        LatchkeyFilter.Builder b = LatchkeyFilter.builder(latchkey).clientIpResolver(clientIp);
        LatchkeyProperties.Password p = properties.getPassword();
        if (!p.getDisabledPaths().isEmpty()) {
            b.disablePasswordAuthFor(p.getDisabledPaths().toArray(String[]::new));
        }
        if (!p.getExemptUsers().isEmpty()) {
            b.passwordAuthExemptUsers(p.getExemptUsers().toArray(String[]::new));
        }
        if (!p.getExemptGroups().isEmpty()) {
            b.passwordAuthExemptGroups(p.getExemptGroups().toArray(String[]::new));
        }
        return b.build();
    }

    /** Keeps the servlet container from running the Latchkey filter outside Spring Security (a second time). */
    @Bean
    FilterRegistrationBean<LatchkeyFilter> latchkeyFilterRegistration(LatchkeyFilter filter) {
        FilterRegistrationBean<LatchkeyFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setEnabled(false);
        return registration;
    }

    @Bean
    @ConditionalOnMissingBean
    TokenRestApiMount latchkeyRestApiMount(LatchkeyProperties properties) {
        try {
            return new TokenRestApiMount(properties.getRest().getBasePath());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("latchkey.rest.base-path: " + e.getMessage(), e);
        }
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "latchkey.rest.enabled", matchIfMissing = true)
    @ConditionalOnMissingBean(name = "latchkeyRestServlet")
    ServletRegistrationBean<TokenRestServlet> latchkeyRestServlet(Latchkey latchkey, AuditSink auditSink,
                                                                  ClientIpResolver clientIp, TokenRestApiMount mount) {
        TokenRestServlet.Builder builder = TokenRestServlet.builder(latchkey).clientIpResolver(clientIp);
        if (auditSink instanceof dev.latchkey.spi.AuditLog log) {
            builder.auditLog(log); // the audit page needs a queryable log; otherwise the REST API answers 501
        }
        TokenRestServlet servlet = builder.build();
        ServletRegistrationBean<TokenRestServlet> registration = new ServletRegistrationBean<>(servlet,
                mount.basePath() + "/*");
        registration.setName("latchkeyRestServlet");
        return registration;
    }

    @Bean("latchkey")
    @ConditionalOnMissingBean
    LatchkeyScopeExpressions latchkeyScopeExpressions() {
        return new LatchkeyScopeExpressions();
    }

    /** Property keys in kebab-case or camelCase to the policy's camelCase setting names. */
    static Map<String, String> policySettings(Map<String, String> properties) {
        Map<String, String> settings = new LinkedHashMap<>();
        properties.forEach((k, v) -> settings.put(camel(k), v == null ? "" : v));
        return settings;
    }

    private static String camel(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        boolean upper = false;
        for (char c : key.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    static ClusterOptions clusterOptions(LatchkeyProperties.Cluster cluster) {
        Duration bound = cluster.getStalenessBound();
        if (cluster.getPollInterval() == null) {
            return ClusterOptions.withBound(bound);
        }
        Duration retention = Duration.ofHours(1).compareTo(bound.multipliedBy(10)) < 0 ? bound.multipliedBy(10)
                : Duration.ofHours(1);
        return new ClusterOptions(bound, cluster.getPollInterval(), retention);
    }
}
