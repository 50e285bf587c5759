package dev.latchkey.core;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
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
        this((RequestClassifier) null);
    }

    Fixture(RequestClassifier classifier) {
        this(classifier, null, b -> { });
    }

    /** A fixture with more builder options. */
    static Fixture with(java.util.function.Consumer<Latchkey.Builder> options) {
        return new Fixture(null, null, options);
    }

    /** A fixture writing audit events to {@code sink} instead of {@link #audit}. */
    static Fixture with(dev.latchkey.spi.AuditSink sink, java.util.function.Consumer<Latchkey.Builder> options) {
        return new Fixture(null, sink, options);
    }

    private Fixture(RequestClassifier classifier, dev.latchkey.spi.AuditSink sink,
                    java.util.function.Consumer<Latchkey.Builder> options) {
        Latchkey.Builder b = Latchkey.builder().store(store).directory(directory)
                .auditSink(sink != null ? sink : audit).clock(clock)
                .initialPolicy(policy()).directoryCacheTtl(Duration.ofSeconds(2));
        if (classifier != null) {
            b.classifier(classifier);
        }
        options.accept(b);
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

    /** Refusals are audited off the request thread: closes the open window and waits for the sink. */
    void flushAudit() {
        if (!latchkey.flushAudit()) {
            throw new AssertionError("the audit queue did not drain within 10 s");
        }
    }

    static RefusalReason reason(Decision d) {
        return d instanceof Decision.Refused r ? r.reason() : null;
    }

    @Override
    public void close() {
        latchkey.close();
    }
}
