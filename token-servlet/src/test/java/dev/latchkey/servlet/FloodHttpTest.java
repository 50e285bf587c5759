package dev.latchkey.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.TestServer;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The refusal path under flood over real HTTP (issue 10, section 6): the failed-attempt limit answers 429 with
 * {@code Retry-After} without a lookup, only to the failing address; garbage is audited per window and source.
 * Clients are told apart by {@code X-Forwarded-For} from the trusted proxy 127.0.0.1.
 */
class FloodHttpTest {
    private static final String ATTACKER = "203.0.113.66";
    private static final String OTHER = "198.51.100.5";

    private Fixture fx;
    private TestServer server;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    private void start(LatchkeyFilter.Builder filter) throws Exception {
        server = TestServer.builder().filter(filter
                .clientIpResolver(ClientIpResolver.builder().trustedProxies("127.0.0.1/32").build()).build()).start();
    }

    private HttpResponse<String> from(String client, String authorization, String path) throws Exception {
        return fx.get(server.base().resolve(path), "Authorization", authorization, "X-Forwarded-For", client);
    }

    @Test
    void doFilterWhenAddressFloodsMadeUpTokensThen429WithRetryAfterWithoutLookupAndOtherClientsServed() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey));
        String valid = fx.token("alice", AccessLevel.READ);
        String madeUp = Fixture.foreignToken(); // valid checksum, not stored here
        for (int i = 0; i < 20; i++) {
            assertThat(from(ATTACKER, i % 2 == 0 ? "Bearer " + madeUp : "Bearer lkp_x" + i, "/x").statusCode()).isEqualTo(401);
        }
        int lookups = fx.store.lookups.get();
        HttpResponse<String> limited = from(ATTACKER, "Bearer " + madeUp + "0", "/x");
        assertThat(limited.statusCode()).isEqualTo(429);
        // 20 per minute: the next attempt is admitted in 3 s
        assertThat(limited.headers().firstValue("Retry-After")).contains("3");
        assertThat(limited.headers().allValues("WWW-Authenticate")).isEmpty();
        assertThat(limited.body()).startsWith("{\"error\":\"rate_limited\",\"message\":\"");
        // a valid token not yet in this node's cache waits like everything else from the address: no lookup
        assertThat(from(ATTACKER, "Bearer " + valid, "/x").statusCode()).isEqualTo(429);
        assertThat(fx.store.lookups.get()).isEqualTo(lookups);
        // another client with the same valid token, meanwhile: served as always
        HttpResponse<String> ok = from(OTHER, "Bearer " + valid, "/x");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("remoteUser=alice");
        // requests without a credential are the host's business, limited or not
        assertThat(fx.get(server.base().resolve("/x"), "X-Forwarded-For", ATTACKER).statusCode()).isEqualTo(200);
    }

    @Test
    void doFilterWhenAddressFloodsPasswordsOnDisabledPathThen429AndOtherClientsStillToldToUseTokens() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey).disablePasswordAuthFor("/rest/*"));
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = from(ATTACKER, Fixture.basic("admin", "guess" + i), "/rest/api/1.0/projects");
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("token_required");
        }
        HttpResponse<String> limited = from(ATTACKER, Fixture.basic("admin", "guess"), "/rest/api/1.0/projects");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("3");
        assertThat(limited.body()).contains("\"error\":\"rate_limited\"");
        // the same address with a token: limited as well (every credentialed attempt)
        assertThat(from(ATTACKER, "Bearer " + fx.token("alice", AccessLevel.READ), "/x").statusCode()).isEqualTo(429);
        assertThat(from(OTHER, Fixture.basic("alice", "alice-pw"), "/rest/api/1.0/projects").statusCode()).isEqualTo(401);
        assertThat(from(OTHER, "Bearer " + fx.token("alice", AccessLevel.READ), "/x").statusCode()).isEqualTo(200);
    }

    @Test
    void doFilterWhenGarbageFloodFromFewSourcesThenAuditEventsPerSourceWithCountsNotPerRequest() throws Exception {
        fx = new Fixture();
        start(LatchkeyFilter.builder(fx.latchkey));
        String[] sources = {"203.0.113.1", "203.0.113.2", "203.0.113.3"};
        int requests = 300;
        long started = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            int status = from(sources[i % sources.length], "Bearer lkp_junk" + i, "/x").statusCode();
            assertThat(status).isIn(401, 429);
        }
        fx.latchkey.flushAudit();
        List<AuditEvent> refused = fx.audit.events().stream()
                .filter(e -> e.type() == AuditEventType.AUTHENTICATION_REFUSED).toList();
        // per source: one MALFORMED summary (the first 20) and one RATE_LIMITED summary (the rest)
        assertThat(refused).hasSizeLessThanOrEqualTo(sources.length * 2);
        assertThat(refused.stream().mapToLong(e -> Long.parseLong(e.details().get("count"))).sum()).isEqualTo(requests);
        assertThat(refused).allSatisfy(e -> assertThat(e.clientIp().orElseThrow()).isIn((Object[]) sources));
        // the bucket refills one attempt every 3 s (20 a minute) on the real clock: a slow machine admits a few more
        long refills = (System.nanoTime() - started) / 3_000_000_000L + 1;
        assertThat(fx.latchkey.refusalStats().rateLimited())
                .isBetween(requests - (20L + refills) * sources.length, requests - 20L * sources.length);
    }
}
