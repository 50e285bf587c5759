package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.spi.AccessLevel;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void createThenAuthenticate() {
        InMemoryUserDirectory dir = new InMemoryUserDirectory().add("alice", "developers");
        try (Latchkey lk = Latchkey.builder().store(new InMemoryTokenStore()).directory(dir).build()) {
            IssuedToken t = lk.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build());
            Decision d = lk.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                    RequestFacts.of("GET", "/x", "10.0.0.1"));
            assertThat(d.isAllowed()).isTrue();
            Decision w = lk.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                    RequestFacts.of("POST", "/x", "10.0.0.1"));
            assertThat(w).isEqualTo(new Decision.Refused(RefusalReason.INSUFFICIENT_SCOPE, java.util.Optional.of(t.record().id())));
        }
    }
}
