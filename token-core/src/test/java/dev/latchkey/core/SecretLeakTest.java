package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The secret must never appear in a toString(), an exception message or an audit event — including when a
 * careless or hostile caller puts it where a name, id, path, user name or IP goes.
 */
class SecretLeakTest {

    @Test
    void everythingWhenSecretPassedEverywhereThenSecretNeverShows() {
        try (Fixture f = new Fixture()) {
            IssuedToken t = f.create("alice", AccessLevel.WRITE);
            String secret = t.secret().reveal();
            String body = secret.substring(4); // the random part alone must not show either
            List<String> texts = new ArrayList<>();
            texts.add(t.toString());
            texts.add(t.record().toString());
            texts.add(t.secret().toString());
            texts.add(Credential.bearer(secret).toString());
            texts.add(Credential.basic(secret, secret).toString());
            texts.add(f.latchkey.toString());

            Decision.Allowed allowed = (Decision.Allowed) f.auth(t, "GET", "/x");
            texts.add(allowed.toString());

            // a secret sent where the user name, path, ip and method go
            texts.add(f.latchkey.authenticator().authenticate(Credential.basic(secret, secret),
                    new RequestFacts(secret, "/x/" + secret, "access_token=" + secret, secret)).toString());
            // a secret pasted where the id goes
            texts.add(String.valueOf(catchThrowable(() -> f.latchkey.tokens().get(Actor.user("alice"), secret)).getMessage()));
            texts.add(String.valueOf(catchThrowable(() -> f.latchkey.tokens().revoke(Actor.user("alice"), secret, secret)).getMessage()));
            // a secret where a CIDR or a policy value goes
            texts.add(String.valueOf(catchThrowable(() -> f.latchkey.tokens().create(Actor.user("alice"),
                    NewToken.builder("n", AccessLevel.READ).allowedCidrs(List.of(secret)).build())).getMessage()));
            texts.add(String.valueOf(catchThrowable(() -> f.latchkey.policy().update(Actor.user("admin"),
                    Map.of("maxLifetime", secret))).getMessage()));
            // malformed (one character off) must not be echoed either
            String garbled = secret.substring(0, secret.length() - 1) + "!";
            texts.add(f.latchkey.authenticator().authenticate(Credential.basic(garbled, garbled),
                    RequestFacts.of("GET", "/" + garbled, "1.2.3.4")).toString());

            f.latchkey.tokens().revoke(Actor.user("alice"), t.record().id(), "done");
            f.auth(t, "GET", "/x");
            f.flushAudit(); // refusals (individual and aggregated) reach the sink off the request thread
            for (AuditEvent e : f.audit.events) {
                texts.add(e.toString());
            }
            assertThat(f.audit.events).isNotEmpty();
            for (String text : texts) {
                assertThat(text).doesNotContain(body).doesNotContain(garbled.substring(4, 30));
            }
        }
    }
}
