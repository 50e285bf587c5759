package dev.latchkey.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.Actor;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.spi.AccessLevel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * How often the host's {@code UserDetailsService} is asked when the engine and the Spring filter share one
 * {@link UserDetailsServiceDirectory}: once per directory cache lifetime per user, whatever the number of requests,
 * and a change in the service shows after at most that lifetime. Time is a clock the test moves.
 */
class PrincipalCacheTest {
    private static final Duration TTL = Duration.ofSeconds(2);

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final InMemoryUserDetailsManager manager = new InMemoryUserDetailsManager(
            User.withUsername("alice").password("{noop}x").roles("USER").build());
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final UserDetailsService counting = name -> {
        asked.add(name);
        return manager.loadUserByUsername(name);
    };
    private final UserDetailsServiceDirectory directory = new UserDetailsServiceDirectory(counting, TTL, clock);
    private final Latchkey latchkey = Latchkey.builder().store(new InMemoryTokenStore(clock)).directory(directory)
            .clock(clock).directoryCacheTtl(TTL).noFailedAttemptLimit().build();
    private final LatchkeySecurityFilter filter = new LatchkeySecurityFilter(LatchkeyFilter.builder(latchkey).build(),
            Optional.of(directory), latchkey, DecisionListener.NONE, SecurityContextHolder.getContextHolderStrategy());

    @AfterEach
    void close() {
        SecurityContextHolder.clearContext();
        latchkey.close();
    }

    private int status(String token) throws Exception {
        MockHttpServletRequest r = new MockHttpServletRequest("GET", "/api/me");
        r.setServletPath("/api/me");
        r.setRemoteAddr("192.0.2.10");
        r.addHeader("Authorization", "Bearer " + token);
        MockHttpServletResponse res = new MockHttpServletResponse();
        filter.doFilter(r, res, new MockFilterChain());
        SecurityContextHolder.clearContext();
        return res.getStatus();
    }

    private String token() {
        String t = latchkey.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build())
                .secret().reveal();
        asked.clear(); // creating asked for the creator; count what requests cost
        return t;
    }

    @Test
    void requestsWhenWithinTheLifetimeThenTheServiceIsAskedOnce() throws Exception {
        String t = token();
        clock.advance(TTL.plusMillis(1)); // what creating the token found has expired
        for (int i = 0; i < 20; i++) {
            assertThat(status(t)).isEqualTo(200);
        }
        assertThat(asked).containsExactly("alice");
    }

    @Test
    void requestsWhenTheLifetimePassesThenTheServiceIsAskedAgainOncePerLifetime() throws Exception {
        String t = token();
        clock.advance(TTL.plusMillis(1));
        for (int lifetime = 1; lifetime <= 3; lifetime++) {
            for (int i = 0; i < 5; i++) {
                assertThat(status(t)).isEqualTo(200);
                clock.advance(Duration.ofMillis(100));
            }
            assertThat(asked).hasSize(lifetime);
            clock.advance(TTL);
        }
    }

    @Test
    void userWhenRemovedFromTheServiceThenRefusedOnceTheLifetimePassed() throws Exception {
        String t = token();
        assertThat(status(t)).isEqualTo(200);
        manager.deleteUser("alice");
        clock.advance(TTL.plusMillis(1));
        assertThat(status(t)).isEqualTo(401);
    }

    @Test
    void findDetailsWhenAloneThenKeepsFoundUsersForTheLifetimeOnly() {
        assertThat(directory.findDetails("alice")).isPresent();
        assertThat(directory.findDetails("alice")).isPresent();
        assertThat(asked).containsExactly("alice");
        clock.advance(TTL.plusMillis(1));
        assertThat(directory.findDetails("alice")).isPresent();
        assertThat(asked).containsExactly("alice", "alice");
        // unknown names are not kept: each asks again (the engine never accepts their tokens)
        assertThat(directory.findDetails("mallory")).isEmpty();
        assertThat(directory.findDetails("mallory")).isEmpty();
        assertThat(asked).containsExactly("alice", "alice", "mallory", "mallory");
    }

    @Test
    void findUserWhenCalledThenAlwaysAsksAndRefreshesWhatFindDetailsGives() {
        assertThat(directory.findUser("alice")).isPresent();
        assertThat(directory.findUser("alice")).isPresent();
        assertThat(asked).containsExactly("alice", "alice");
        manager.deleteUser("alice");
        assertThat(directory.findUser("alice")).isEmpty();
        // the engine learnt she is gone: the principal lookup must not serve the old entry
        assertThat(directory.findDetails("alice")).isEmpty();
    }

    @Test
    void lifetimeWhenZeroThenNothingIsKept() {
        UserDetailsServiceDirectory none = new UserDetailsServiceDirectory(counting, Duration.ZERO, clock);
        none.findUser("alice");
        none.findDetails("alice");
        none.findDetails("alice");
        assertThat(asked).hasSize(3);
        assertThatThrownBy(() -> new UserDetailsServiceDirectory(counting, Duration.ofMillis(-1), clock))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
