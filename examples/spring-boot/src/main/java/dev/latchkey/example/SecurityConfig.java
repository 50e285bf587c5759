package dev.latchkey.example;

import static dev.latchkey.spring.LatchkeyConfigurer.latchkey;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/** The application's own security: form login, Basic, a JWT resource server — and the one Latchkey line. */
@Configuration
@EnableMethodSecurity
public class SecurityConfig {

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health/**").permitAll()
                        .requestMatchers("/actuator/**").hasRole("ADMIN")
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .httpBasic(Customizer.withDefaults())
                .oauth2ResourceServer(o -> o.jwt(Customizer.withDefaults()))
                .with(latchkey(), Customizer.withDefaults());
        return http.build();
    }

    /**
     * The application's users (an LDAP or JDBC UserDetailsService in real life). Latchkey takes token owners and
     * their groups from it.
     */
    @Bean
    UserDetailsService users(@Value("${example.password}") String password) {
        // {noop}: a demo with one shared password from the configuration; use a real encoder in an application
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}" + password).roles("USER").build(),
                User.withUsername("bob").password("{noop}" + password).roles("USER").build(),
                User.withUsername("admin").password("{noop}" + password).roles("USER", "ADMIN").build());
    }
}
