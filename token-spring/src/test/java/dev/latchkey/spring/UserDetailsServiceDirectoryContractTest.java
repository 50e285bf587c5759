package dev.latchkey.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.UserDirectory;
import dev.latchkey.tck.UserDirectoryContract;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The TCK's directory contract against the adapter over Spring's in-memory manager, which finds users in any case:
 * the adapter must not.
 */
class UserDetailsServiceDirectoryContractTest extends UserDirectoryContract {

    @Override
    protected UserDirectory createDirectory() {
        return new UserDetailsServiceDirectory(new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}x").roles("USER").build(),
                User.withUsername("Bob.Smith").password("{noop}x").authorities("ROLE_USER", "developers").build(),
                User.withUsername("carol").password("{noop}x").roles("USER").disabled(true).build(),
                User.withUsername("dave").password("{noop}x").authorities("ROLE_USER").accountLocked(true).build(),
                User.withUsername("erin").password("{noop}x").authorities(new String[0]).build()));
    }

    @Override
    protected Map<String, DirectoryUser> expectedUsers() {
        return Map.of(
                "alice", new DirectoryUser("alice", "alice", "", true, Set.of("ROLE_USER")),
                "Bob.Smith", new DirectoryUser("Bob.Smith", "Bob.Smith", "", true, Set.of("ROLE_USER", "developers")),
                "carol", new DirectoryUser("carol", "carol", "", false, Set.of("ROLE_USER")),
                "dave", new DirectoryUser("dave", "dave", "", false, Set.of("ROLE_USER")),
                "erin", new DirectoryUser("erin", "erin", "", true, Set.of()));
    }

    @Test
    void findUserWhenSpringFindsAnotherCaseThenEmpty() {
        assertThat(directory().findUser("ALICE")).isEmpty();
        assertThat(directory().findUser("bob.smith")).isEmpty();
        assertThat(directory().findUser("Bob.Smith")).isPresent();
    }

    @Test
    void findUserWhenTheServiceFailsThenStoreUnavailableSoTheEngineRefuses() {
        UserDetailsService broken = name -> {
            throw new IllegalStateException("ldap down");
        };
        assertThatThrownBy(() -> new UserDetailsServiceDirectory(broken).findUser("alice"))
                .isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void findUserWhenTheServiceReturnsNullThenEmpty() {
        UserDetailsService sloppy = name -> null;
        assertThat(new UserDetailsServiceDirectory(sloppy).findUser("alice")).isEmpty();
    }
}
