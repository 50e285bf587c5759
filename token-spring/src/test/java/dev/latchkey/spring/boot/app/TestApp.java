package dev.latchkey.spring.boot.app;

import static dev.latchkey.spring.LatchkeyConfigurer.latchkey;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.classify.Requirement;
import dev.latchkey.core.classify.RequestClassifier;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spring.LatchkeyAuthentication;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small Boot application for token-spring's own HTTP tests: a JSON API with per-project paths, a classifier that
 * names the project a request acts on (so service tokens, bound to one project, work), and a
 * {@code UserDetailsService} that counts its calls. Latchkey is the auto-configuration plus one line in the chain.
 */
@SpringBootApplication
public class TestApp {
    /** Every name the application's users were asked for, in order. */
    public static final ConcurrentLinkedQueue<String> USER_LOOKUPS = new ConcurrentLinkedQueue<>();
    public static final String PASSWORD = "pw-" + java.util.UUID.randomUUID();

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers("/actuator/**").permitAll().anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .with(latchkey(), Customizer.withDefaults());
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}" + PASSWORD).roles("USER").build(),
                User.withUsername("admin").password("{noop}" + PASSWORD).roles("USER", "ADMIN").build());
        return name -> {
            USER_LOOKUPS.add(name);
            return users.loadUserByUsername(name);
        };
    }

    /** {@code /api/projects/{key}/**} acts on project {@code key}: READ to GET, WRITE otherwise. */
    @Bean
    RequestClassifier projectClassifier() {
        Pattern project = Pattern.compile("/api/projects/([A-Z0-9_]+)(/.*)?");
        return (RequestFacts r) -> {
            AccessLevel level = r.method().equals("GET") || r.method().equals("HEAD") ? AccessLevel.READ
                    : AccessLevel.WRITE;
            Matcher m = project.matcher(r.path());
            return m.matches() ? Requirement.on(level, "project", m.group(1)) : Requirement.of(level);
        };
    }

    /** The API. */
    @RestController
    public static class Api {
        @GetMapping("/api/me")
        public Map<String, Object> me(@AuthenticationPrincipal Object principal, Authentication authentication) {
            return describe(principal, authentication);
        }

        @GetMapping("/api/projects/{key}/whoami")
        public Map<String, Object> project(@PathVariable("key") String key, @AuthenticationPrincipal Object principal,
                                           Authentication authentication) {
            return describe(principal, authentication);
        }

        @PostMapping("/api/projects/{key}/builds")
        public Map<String, Object> build(@PathVariable("key") String key, Authentication authentication) {
            return Map.of("project", key, "by", authentication.getName());
        }

        private static Map<String, Object> describe(Object principal, Authentication authentication) {
            List<String> authorities = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                    .sorted().toList();
            Map<String, Object> token = authentication instanceof LatchkeyAuthentication t
                    ? Map.of("id", t.getToken().id(), "kind", t.getToken().kind().name(), "service", t.isServiceToken(),
                            "resources", List.copyOf(t.getToken().effectiveScope().resources()))
                    : Map.of();
            return Map.of("principalType", principal.getClass().getName(), "name", authentication.getName(),
                    "userDetails", principal instanceof UserDetails, "authorities", authorities, "token", token);
        }
    }
}
