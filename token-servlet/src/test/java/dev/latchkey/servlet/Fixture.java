package dev.latchkey.servlet;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.core.Actor;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.Policy;
import dev.latchkey.spi.AccessLevel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * An engine with users alice (developers), bob, admin (admins: token manager and policy administrator) and
 * breakglass (group break-glass); host passwords are {@code <user>-pw}.
 */
final class Fixture implements AutoCloseable {
    static final Map<String, String> PASSWORDS = Map.of("alice", "alice-pw", "bob", "bob-pw", "admin", "admin-pw",
            "breakglass", "breakglass-pw", "carol", "carol-pw");

    final InMemoryUserDirectory directory = new InMemoryUserDirectory()
            .add("alice", "developers").add("bob").add("admin", "admins").add("breakglass", "break-glass")
            .add("carol");
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final FlakyStore store = new FlakyStore(new InMemoryTokenStore());
    final Latchkey latchkey;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    Fixture() {
        this(Map.of());
    }

    Fixture(Map<String, String> policy) {
        this(policy, true);
    }

    /** With {@code queryableAudit} false the engine's sink is a plain AuditSink (records into {@link #audit}). */
    Fixture(Map<String, String> policy, boolean queryableAudit) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("manageTokens", "admins",
                "administerPolicy", "admins", "levelGrants", "*=WRITE,admins=ADMIN"));
        settings.putAll(policy);
        dev.latchkey.spi.AuditSink sink = queryableAudit ? audit : audit::record;
        latchkey = Latchkey.builder().store(store).directory(directory).auditSink(sink)
                .classifier(new dev.latchkey.bitbucket.BitbucketRequestClassifier())
                .initialPolicy(Policy.defaults().with(settings)).build();
    }

    String token(String user, AccessLevel level) {
        return issue(user, NewToken.builder("t-" + level, level).build()).secret().reveal();
    }

    String tokenFrom(String user, AccessLevel level, List<String> cidrs) {
        return issue(user, NewToken.builder("t-cidr", level).allowedCidrs(cidrs).build()).secret().reveal();
    }

    IssuedToken issue(String user, NewToken spec) {
        return latchkey.tokens().create(Actor.user(user), spec);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(URI uri, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, URI uri, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        latchkey.close();
    }
}
