package dev.latchkey.spring;

import dev.latchkey.core.Latchkey;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.spi.UserDirectory;
import java.util.Objects;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.csrf.CsrfFilter;

/**
 * Adds Latchkey token authentication to a Spring Security filter chain:
 *
 * <pre>{@code
 * http.with(LatchkeyConfigurer.latchkey(), Customizer.withDefaults());
 * }</pre>
 *
 * It places a {@link LatchkeySecurityFilter} before the CSRF filter (so Latchkey's refusals are its own, not a CSRF
 * 403), and exempts from CSRF the requests authenticated by a token and JSON requests to the token REST API
 * ({@link LatchkeyRequestMatchers}). Everything not set here comes from the application context: the
 * {@link LatchkeyFilter} bean (required), the engine, the host's {@code UserDetailsService} (the principal of
 * personal tokens; else the engine's {@link UserDirectory}), a {@link DecisionListener} and the {@link TokenRestApiMount}.
 * Each option may be set once.
 */
public final class LatchkeyConfigurer extends AbstractHttpConfigurer<LatchkeyConfigurer, HttpSecurity> {
    private LatchkeyFilter filter;
    private UserDetailsService users;
    private DecisionListener listener;
    private TokenRestApiMount restApi;

    private LatchkeyConfigurer() {
    }

    /** A new configurer, for {@code http.with(latchkey(), c -> ...)}. */
    public static LatchkeyConfigurer latchkey() {
        return new LatchkeyConfigurer();
    }

    private static void once(Object current, String option) {
        if (current != null) {
            throw new IllegalStateException(option + " was already set");
        }
    }

    /** The Latchkey filter to run. Default: the {@code LatchkeyFilter} bean. */
    public LatchkeyConfigurer filter(LatchkeyFilter filter) {
        once(this.filter, "filter");
        this.filter = Objects.requireNonNull(filter, "filter");
        return this;
    }

    /** Where the principal of a personal token comes from. Default: the unique {@code UserDetailsService} bean. */
    public LatchkeyConfigurer userDetailsService(UserDetailsService users) {
        once(this.users, "userDetailsService");
        this.users = Objects.requireNonNull(users, "users");
        return this;
    }

    /** Told about every decision (metrics). Default: the {@code DecisionListener} bean, if any. */
    public LatchkeyConfigurer decisionListener(DecisionListener listener) {
        once(this.listener, "decisionListener");
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Where the token REST API is mounted. Default: the {@code TokenRestApiMount} bean, if any. */
    public LatchkeyConfigurer restApi(TokenRestApiMount mount) {
        once(this.restApi, "restApi");
        this.restApi = Objects.requireNonNull(mount, "mount");
        return this;
    }

    @Override
    public void init(HttpSecurity http) {
        TokenRestApiMount mount = restApi != null ? restApi : bean(http, TokenRestApiMount.class).orElse(null);
        @SuppressWarnings("unchecked")
        CsrfConfigurer<HttpSecurity> csrf = http.getConfigurer(CsrfConfigurer.class);
        if (csrf != null) {
            csrf.ignoringRequestMatchers(LatchkeyRequestMatchers.tokenAuthenticated());
            if (mount != null) {
                csrf.ignoringRequestMatchers(LatchkeyRequestMatchers.restApiJson(mount));
            }
        }
    }

    @Override
    public void configure(HttpSecurity http) {
        LatchkeyFilter f = filter != null ? filter : bean(http, LatchkeyFilter.class).orElseThrow(() ->
                new IllegalStateException("no LatchkeyFilter: add token-spring's Spring Boot auto-configuration, "
                        + "define a LatchkeyFilter bean, or call LatchkeyConfigurer.filter(...)"));
        Latchkey engine = bean(http, Latchkey.class).orElseThrow(() -> new IllegalStateException("no Latchkey "
                + "bean: add token-spring's Spring Boot auto-configuration or define the engine as a bean"));
        UserDetailsService uds = users != null ? users : bean(http, UserDetailsService.class).orElse(null);
        Optional<UserDetailsServiceDirectory> userDirectory = Optional.ofNullable(uds).map(u -> principals(http, engine, u));
        DecisionListener l = listener != null ? listener : bean(http, DecisionListener.class).orElse(DecisionListener.NONE);
        SecurityContextHolderStrategy strategy = bean(http, SecurityContextHolderStrategy.class)
                .orElseGet(SecurityContextHolder::getContextHolderStrategy);
        LatchkeySecurityFilter securityFilter = new LatchkeySecurityFilter(f, userDirectory, engine, l, strategy);
        http.addFilterBefore(postProcess(securityFilter), CsrfFilter.class);
    }

    /**
     * The engine's own directory when it adapts {@code service} (so a request asks the service at most once per
     * directory cache lifetime, not once for the engine and again for the principal), else a new adapter.
     */
    private static UserDetailsServiceDirectory principals(HttpSecurity http, Latchkey engine,
                                                          UserDetailsService service) {
        for (UserDirectory d : new UserDirectory[] {engine.directory(), bean(http, UserDirectory.class).orElse(null)}) {
            if (d instanceof UserDetailsServiceDirectory a && a.isOver(service)) {
                return a;
            }
        }
        return new UserDetailsServiceDirectory(service);
    }

    private static <T> Optional<T> bean(HttpSecurity http, Class<T> type) {
        ApplicationContext context = http.getSharedObject(ApplicationContext.class);
        if (context == null) {
            return Optional.empty();
        }
        ObjectProvider<T> provider = context.getBeanProvider(type);
        return Optional.ofNullable(provider.getIfUnique());
    }
}
