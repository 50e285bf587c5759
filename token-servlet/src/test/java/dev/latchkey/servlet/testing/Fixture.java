package dev.latchkey.servlet.testing;

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
public final class Fixture implements AutoCloseable {
    public static final Map<String, String> PASSWORDS = Map.of("alice", "alice-pw", "bob", "bob-pw", "admin", "admin-pw",
            "breakglass", "breakglass-pw", "carol", "carol-pw");

    public final InMemoryUserDirectory directory = new InMemoryUserDirectory()
            .add("alice", "developers").add("bob").add("admin", "admins").add("breakglass", "break-glass")
            .add("carol");
    public final InMemoryAuditLog audit = new InMemoryAuditLog();
    public final FlakyStore store = new FlakyStore(new InMemoryTokenStore());
    public final Latchkey latchkey;
    public final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public Fixture() {
        this(Map.of());
    }

    public Fixture(Map<String, String> policy) {
        this(policy, true);
    }

    /** With {@code queryableAudit} false the engine's sink is a plain AuditSink (records into {@link #audit}). */
    public Fixture(Map<String, String> policy, boolean queryableAudit) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("manageTokens", "admins",
                "administerPolicy", "admins", "levelGrants", "*=WRITE,admins=ADMIN"));
        settings.putAll(policy);
        dev.latchkey.spi.AuditSink sink = queryableAudit ? audit : audit::record;
        latchkey = Latchkey.builder().store(store).directory(directory).auditSink(sink)
                .classifier(new dev.latchkey.bitbucket.BitbucketRequestClassifier())
                .initialPolicy(Policy.defaults().with(settings)).build();
    }

    public String token(String user, AccessLevel level) {
        return issue(user, NewToken.builder("t-" + level, level).build()).secret().reveal();
    }

    public String tokenFrom(String user, AccessLevel level, List<String> cidrs) {
        return issue(user, NewToken.builder("t-cidr", level).allowedCidrs(cidrs).build()).secret().reveal();
    }

    public IssuedToken issue(String user, NewToken spec) {
        return latchkey.tokens().create(Actor.user(user), spec);
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> get(URI uri, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(String method, URI uri, String json, String... headers) throws Exception {
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

    /** A well-formed token this engine has never seen (issued by another engine with the same format). */
    public static String foreignToken() {
        try (Latchkey other = Latchkey.builder().store(new InMemoryTokenStore())
                .directory(new InMemoryUserDirectory().add("x")).build()) {
            return other.tokens().create(Actor.user("x"), NewToken.builder("x", AccessLevel.READ).build())
                    .secret().reveal();
        }
    }

    @Override
    public void close() {
        latchkey.close();
    }
}
