package dev.latchkey.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.Actor;
import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.TokenPrincipal;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.TokenKind;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Base64;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import jakarta.servlet.http.HttpServlet;

/** The Spring filter without a Spring context: what reaches the rest of the chain, and what does not. */
class LatchkeySecurityFilterTest {
    private final InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(
            User.withUsername("alice").password("{noop}x").roles("USER").build(),
            User.withUsername("admin").password("{noop}x").roles("USER", "ADMIN").build());
    private final UserDetailsServiceDirectory directory = new UserDetailsServiceDirectory(users);
    private final Latchkey latchkey = Latchkey.builder().store(new InMemoryTokenStore()).directory(directory)
            .noFailedAttemptLimit().build();
    private final LatchkeyCounters counters = new LatchkeyCounters();
    private final LatchkeySecurityFilter filter = new LatchkeySecurityFilter(LatchkeyFilter.builder(latchkey).build(),
            Optional.of(directory), latchkey, counters, SecurityContextHolder.getContextHolderStrategy());

    /** What the rest of the chain saw. */
    private final AtomicReference<HttpServletRequest> seen = new AtomicReference<>();
    private final AtomicReference<Authentication> seenAuthentication = new AtomicReference<>();

    @AfterEach
    void close() {
        SecurityContextHolder.clearContext();
        latchkey.close();
    }

    private MockHttpServletResponse run(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(jakarta.servlet.http.HttpServletRequest req,
                                   jakarta.servlet.http.HttpServletResponse res) {
                seen.set(req);
                seenAuthentication.set(SecurityContextHolder.getContext().getAuthentication());
            }
        });
        filter.doFilter(request, response, chain);
        return response;
    }

    private static MockHttpServletRequest request(String method, String path, String... authorization) {
        MockHttpServletRequest r = new MockHttpServletRequest(method, path);
        r.setServletPath(path);
        r.setRemoteAddr("192.0.2.10");
        for (String a : authorization) {
            r.addHeader("Authorization", a);
        }
        return r;
    }

    private String token(String owner, AccessLevel level) {
        return latchkey.tokens().create(Actor.user(owner), NewToken.builder("t" + System.nanoTime(), level).build())
                .secret().reveal();
    }

    @Test
    void tokenWhenValidThenOwnersUserDetailsInContextAndCredentialConsumed() throws Exception {
        String t = token("alice", AccessLevel.READ);
        MockHttpServletResponse res = run(request("GET", "/api/me", "Bearer " + t));
        assertThat(res.getStatus()).isEqualTo(200);
        assertThat(seenAuthentication.get()).isInstanceOf(LatchkeyAuthentication.class);
        LatchkeyAuthentication a = (LatchkeyAuthentication) seenAuthentication.get();
        assertThat(a.getPrincipal()).isInstanceOf(UserDetails.class);
        assertThat(a.getName()).isEqualTo("alice");
        assertThat(a.getAuthorities()).extracting(Object::toString).containsExactly("ROLE_USER");
        assertThat(a.getLevel()).isEqualTo(AccessLevel.READ);
        assertThat(a.getCredentials()).isNull();
        assertThat(a.toString()).doesNotContain(t);
        // Spring's Basic and Bearer filters see no credential
        assertThat(seen.get().getHeader("Authorization")).isNull();
        assertThat(Collections.list(seen.get().getHeaders("authorization"))).isEmpty();
        assertThat(Collections.list(seen.get().getHeaderNames())).noneMatch("Authorization"::equalsIgnoreCase);
        assertThat(seen.get().getRemoteUser()).isEqualTo("alice");
        assertThat(counters.decisions(LatchkeyCounters.Outcome.ALLOWED)).isEqualTo(1);
    }

    @Test
    void tokenWhenSentAsBasicPasswordThenAuthenticatedAndHeaderConsumed() throws Exception {
        String t = token("alice", AccessLevel.READ);
        String basic = Base64.getEncoder().encodeToString(("alice:" + t).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        run(request("GET", "/api/me", "Basic " + basic));
        assertThat(seenAuthentication.get()).isInstanceOf(LatchkeyAuthentication.class);
        assertThat(seen.get().getHeader("Authorization")).isNull();
    }

    @Test
    void bearerWhenForeignJwtThenPassedOnUntouched() throws Exception {
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYXJvbCJ9.c2lnbmF0dXJl";
        MockHttpServletResponse res = run(request("GET", "/api/jwt", "Bearer " + jwt));
        assertThat(res.getStatus()).isEqualTo(200);
        assertThat(seen.get().getHeader("Authorization")).isEqualTo("Bearer " + jwt);
        assertThat(seenAuthentication.get()).isNull();
        assertThat(counters.decisions()).allSatisfy((k, v) -> assertThat(v).isZero());
    }

    @Test
    void bearerWhenLatchkeyPrefixWithBrokenChecksumThenRefusedByLatchkeyNotPassedOn() throws Exception {
        String t = token("alice", AccessLevel.READ);
        String broken = t.substring(0, t.length() - 1) + (t.endsWith("A") ? "B" : "A");
        MockHttpServletResponse res = run(request("GET", "/api/me", "Bearer " + broken));
        assertThat(res.getStatus()).isEqualTo(401);
        assertThat(res.getHeader("WWW-Authenticate")).contains("invalid_token");
        assertThat(seen.get()).isNull();
        assertThat(counters.decisions(LatchkeyCounters.Outcome.INVALID_TOKEN)).isEqualTo(1);
    }

    @Test
    void bearerWhenLatchkeyPrefixInOtherCaseThenStillLatchkeysToRefuse() throws Exception {
        MockHttpServletResponse res = run(request("GET", "/api/me", "Bearer LKP_" + "a".repeat(36)));
        assertThat(res.getStatus()).isEqualTo(401);
        assertThat(seen.get()).isNull();
    }

    @Test
    void authorizationWhenAJwtAndALatchkeyTokenTogetherThenBadRequestNotPassedOn() throws Exception {
        String t = token("alice", AccessLevel.READ);
        MockHttpServletResponse res = run(request("GET", "/api/me", "Bearer eyJhbGciOiJub25lIn0.e30.", "Bearer " + t));
        assertThat(res.getStatus()).isEqualTo(400);
        assertThat(seen.get()).isNull();
        assertThat(counters.decisions(LatchkeyCounters.Outcome.INVALID_REQUEST)).isEqualTo(1);
    }

    @Test
    void readTokenWhenPostThenInsufficientScopeAndNothingInContext() throws Exception {
        String t = token("alice", AccessLevel.READ);
        MockHttpServletResponse res = run(request("POST", "/api/notes", "Bearer " + t));
        assertThat(res.getStatus()).isEqualTo(403);
        assertThat(res.getHeader("WWW-Authenticate")).contains("insufficient_scope");
        assertThat(seen.get()).isNull();
        assertThat(SecurityContextHolder.getContext().getAuthentication()).isNull();
    }

    @Test
    void tokenWhenOwnerRemovedFromTheServiceThenRefusedFailClosed() throws Exception {
        String t = token("alice", AccessLevel.READ);
        users.deleteUser("alice");
        MockHttpServletResponse res = run(request("GET", "/api/me", "Bearer " + t));
        assertThat(res.getStatus()).isEqualTo(401);
        assertThat(seen.get()).isNull();
    }

    @Test
    void ownerWhenSpringCannotLoadThemThenTheFiltersOwnInvalidTokenAnswerWithRealm() throws Exception {
        // the engine accepts the token (its directory knows alice); the host's UserDetailsService does not
        UserDetailsServiceDirectory hostUsers = new UserDetailsServiceDirectory(new InMemoryUserDetailsManager(
                User.withUsername("admin").password("{noop}x").roles("USER").build()));
        LatchkeySecurityFilter springFilter = new LatchkeySecurityFilter(
                LatchkeyFilter.builder(latchkey).realm("corp api").build(), Optional.of(hostUsers), latchkey,
                counters, SecurityContextHolder.getContextHolderStrategy());
        String t = token("alice", AccessLevel.READ);
        MockHttpServletResponse refused = new MockHttpServletResponse();
        springFilter.doFilter(request("GET", "/api/me", "Bearer " + t), refused, new MockFilterChain());

        // what the Latchkey filter itself answers to a token it refuses, with the same realm
        String broken = t.substring(0, t.length() - 1) + (t.endsWith("A") ? "B" : "A");
        MockHttpServletResponse byFilter = new MockHttpServletResponse();
        LatchkeyFilter.builder(latchkey).realm("corp api").build()
                .doFilter(request("GET", "/api/me", "Bearer " + broken), byFilter, new MockFilterChain());

        assertThat(refused.getStatus()).isEqualTo(401).isEqualTo(byFilter.getStatus());
        assertThat(refused.getHeaders("WWW-Authenticate")).containsExactlyElementsOf(byFilter.getHeaders("WWW-Authenticate"));
        assertThat(refused.getHeaders("WWW-Authenticate")).first().asString()
                .startsWith("Bearer realm=\"corp api\", error=\"invalid_token\"");
        assertThat(refused.getHeaders("WWW-Authenticate")).contains("Basic realm=\"corp api\", charset=\"UTF-8\"");
        assertThat(refused.getHeader("Cache-Control")).isEqualTo("no-store");
        assertThat(refused.getContentType()).isEqualTo(byFilter.getContentType());
        assertThat(refused.getContentAsString()).isEqualTo(byFilter.getContentAsString())
                .contains("\"error\":\"invalid_token\"").doesNotContain(t);
        assertThat(SecurityContextHolder.getContext().getAuthentication()).isNull();
        assertThat(counters.decisions(LatchkeyCounters.Outcome.INVALID_TOKEN)).isEqualTo(1);
        assertThat(counters.decisions(LatchkeyCounters.Outcome.ALLOWED)).isZero();
    }

    @Test
    void noCredentialWhenPresentedThenPassedOnAndNoDecisionCounted() throws Exception {
        MockHttpServletResponse res = run(request("GET", "/"));
        assertThat(res.getStatus()).isEqualTo(200);
        assertThat(seen.get()).isNotNull();
        assertThat(seenAuthentication.get()).isNull();
        assertThat(counters.decisions()).allSatisfy((k, v) -> assertThat(v).isZero());
    }

    @Test
    void scopeExpressionsWhenTokenLevelThenCapped() {
        LatchkeyScopeExpressions e = new LatchkeyScopeExpressions();
        assertThat(e.hasLevel("READ")).isFalse(); // nobody signed in
        SecurityContextHolder.getContext().setAuthentication(new LatchkeyAuthentication(
                new TokenPrincipal("alice", TokenKind.PERSONAL), "alice",
                new dev.latchkey.core.TokenInfo("id1", TokenKind.PERSONAL, "ci", "alice",
                        dev.latchkey.spi.Scope.of(AccessLevel.WRITE, java.util.Set.of("PROJ")), Optional.empty()),
                java.util.List.of()));
        assertThat(e.hasLevel("read")).isTrue();
        assertThat(e.hasLevel("WRITE")).isTrue();
        assertThat(e.hasLevel("ADMIN")).isFalse();
        assertThat(e.hasResource("PROJ/repo")).isTrue();
        assertThat(e.hasResource("OTHER")).isFalse();
        assertThat(e.isToken()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> e.hasLevel("SUPERUSER"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SUPERUSER");
    }
}
