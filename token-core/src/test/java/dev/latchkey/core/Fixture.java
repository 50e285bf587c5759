package dev.latchkey.core;

import dev.latchkey.core.classify.RequestClassifier;
import dev.latchkey.spi.AccessLevel;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A small engine for tests: users alice (developers), bob (readers), carol (contractors), admin (admins),
 * with developers/admins up to WRITE, readers READ, contractors not allowed to use tokens, admins managers.
 */
final class Fixture implements AutoCloseable {
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final InMemoryUserDirectory directory = new InMemoryUserDirectory()
            .add("alice", "developers").add("bob", "readers").add("carol", "contractors").add("admin", "admins")
            .add("dave", "developers");
    final CountingStore store = new CountingStore(new InMemoryTokenStore(clock));
    final RecordingAuditSink audit = new RecordingAuditSink();
    final Latchkey latchkey;

    static Policy policy() {
        return Policy.defaults().with(Map.of(
                "useTokens", "developers,readers,admins",
                "createTokens", "developers,readers,admins",
                "manageTokens", "admins",
                "administerPolicy", "admins",
                "levelGrants", "developers=WRITE,admins=ADMIN,readers=READ"));
    }

    Fixture() {
        this(null);
    }

    Fixture(RequestClassifier classifier) {
        Latchkey.Builder b = Latchkey.builder().store(store).directory(directory).auditSink(audit).clock(clock)
                .initialPolicy(policy()).directoryCacheTtl(Duration.ofSeconds(2));
        if (classifier != null) {
            b.classifier(classifier);
        }
        latchkey = b.build();
    }

    IssuedToken create(String user, AccessLevel level) {
        return latchkey.tokens().create(Actor.user(user), NewToken.builder("t-" + user, level).build());
    }

    Decision auth(IssuedToken t, String method, String path) {
        return auth(t, method, path, "", "10.1.2.3");
    }

    Decision auth(IssuedToken t, String method, String path, String query, String ip) {
        return latchkey.authenticator().authenticate(Credential.bearer(t.secret().reveal()),
                new RequestFacts(method, path, query, ip));
    }

    static RefusalReason reason(Decision d) {
        return d instanceof Decision.Refused r ? r.reason() : null;
    }

    @Override
    public void close() {
        latchkey.close();
    }
}
