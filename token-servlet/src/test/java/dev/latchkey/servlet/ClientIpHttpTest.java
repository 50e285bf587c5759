package dev.latchkey.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.TestServer;
import dev.latchkey.spi.AccessLevel;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Client IP resolution over real HTTP: spoofed headers, trusted proxies, IPv6 peers. */
class ClientIpHttpTest {
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

    @Test
    void doFilterWhenUntrustedPeerSpoofsXForwardedForThenPeerAddressDecides() throws Exception {
        fx = new Fixture();
        server = TestServer.builder().filter(LatchkeyFilter.builder(fx.latchkey)
                .clientIpResolver(ClientIpResolver.builder().build()).build()).start();
        String token = fx.tokenFrom("alice", AccessLevel.READ, List.of("203.0.113.0/24"));
        HttpResponse<String> r = fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + token,
                "X-Forwarded-For", "203.0.113.10");
        assertThat(r.statusCode()).isEqualTo(401);
        fx.latchkey.flushAudit();
        assertThat(fx.audit.events()).anySatisfy(e -> assertThat(e.reason()).contains("IP_NOT_ALLOWED"));
        String open = fx.token("alice", AccessLevel.READ);
        assertThat(fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + open,
                "X-Forwarded-For", "203.0.113.10", "Forwarded", "for=203.0.113.10").body()).contains("clientIp=127.0.0.1");
    }

    @Test
    void doFilterWhenTrustedProxySendsXForwardedForThenClientAddressDecides() throws Exception {
        fx = new Fixture();
        server = TestServer.builder().filter(LatchkeyFilter.builder(fx.latchkey)
                .clientIpResolver(ClientIpResolver.builder().trustedProxies("127.0.0.1/32").build()).build()).start();
        String token = fx.tokenFrom("alice", AccessLevel.READ, List.of("203.0.113.0/24"));
        HttpResponse<String> r = fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + token,
                "X-Forwarded-For", "6.6.6.6, 203.0.113.10");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("clientIp=203.0.113.10");
        // the spoofed leftmost entry is not believed
        assertThat(fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + token,
                "X-Forwarded-For", "203.0.113.10, 6.6.6.6").statusCode()).isEqualTo(401);
        // a malformed hop right of the client makes the client unknown, never the proxy
        assertThat(fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + fx.token("alice", AccessLevel.READ),
                "X-Forwarded-For", "203.0.113.10, ;drop table").body()).contains("clientIp=unknown");
    }

    @Test
    void doFilterWhenAttackerMangledForwardingHeaderThenTokenLimitedToProxyRefused() throws Exception {
        fx = new Fixture();
        server = TestServer.builder().filter(LatchkeyFilter.builder(fx.latchkey)
                .clientIpResolver(ClientIpResolver.builder().trustedProxies("127.0.0.1/32").build()).build()).start();
        // a token meant for jobs running on the proxy host itself
        String proxyOnly = fx.tokenFrom("alice", AccessLevel.READ, List.of("127.0.0.1/32"));
        String[][] attacks = {
            {"X-Forwarded-For", ",, 203.0.113.9"},
            {"X-Forwarded-For", "1.1.1.1,".repeat(70) + "203.0.113.9"},
            {"X-Forwarded-For", "203.0.113.9, unknown"},
            {"X-Forwarded-For", "203.0.113.9,"},
            {"X-Forwarded-For", "6.6.6.6", "X-Forwarded-For", "203.0.113.9"},
            {"X-Forwarded-For", "garbage"},
        };
        for (String[] headers : attacks) {
            String[] all = new String[headers.length + 2];
            all[0] = "Authorization";
            all[1] = "Bearer " + proxyOnly;
            System.arraycopy(headers, 0, all, 2, headers.length);
            HttpResponse<String> r = fx.get(server.base().resolve("/x"), all);
            assertThat(r.statusCode()).as(String.join(" | ", headers)).isEqualTo(401);
        }
        // the proxy's own requests (no forwarding header) still work
        assertThat(fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + proxyOnly).statusCode())
                .isEqualTo(200);
    }

    @Test
    void doFilterWhenTwoXRealIpLinesThenClientUnknownAndRefused() throws Exception {
        fx = new Fixture();
        server = TestServer.builder().filter(LatchkeyFilter.builder(fx.latchkey)
                .clientIpResolver(ClientIpResolver.builder().trustedProxies("127.0.0.1/32")
                        .header(ForwardedHeader.X_REAL_IP).build()).build()).start();
        String proxyOnly = fx.tokenFrom("alice", AccessLevel.READ, List.of("127.0.0.1/32", "203.0.113.0/24"));
        assertThat(fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + proxyOnly,
                "X-Real-IP", "203.0.113.9").statusCode()).isEqualTo(200);
        assertThat(fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + proxyOnly,
                "X-Real-IP", "6.6.6.6", "X-Real-IP", "203.0.113.9").statusCode()).isEqualTo(401);
        String open = fx.token("alice", AccessLevel.READ);
        assertThat(fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + open,
                "X-Real-IP", "6.6.6.6", "X-Real-IP", "127.0.0.1").body()).contains("clientIp=unknown");
    }

    @Test
    void doFilterWhenTrustedProxySendsForwardedIpv6ThenCanonicalClientAddress() throws Exception {
        fx = new Fixture();
        server = TestServer.builder().filter(LatchkeyFilter.builder(fx.latchkey)
                .clientIpResolver(ClientIpResolver.builder().trustedProxies("127.0.0.1/32")
                        .header(ForwardedHeader.FORWARDED).build()).build()).start();
        String token = fx.tokenFrom("alice", AccessLevel.READ, List.of("2001:db8::/32"));
        HttpResponse<String> r = fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + token,
                "Forwarded", "for=\"[2001:DB8:0::1]:4711\";proto=https");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("clientIp=2001:db8::1");
    }

    @Test
    void doFilterWhenIpv6PeerThenIpv6ClientAddress() throws Exception {
        fx = new Fixture();
        server = TestServer.builder().filter(LatchkeyFilter.builder(fx.latchkey).build()).ipv6().start();
        if (server.base6() == null) {
            System.out.println("SKIPPED doFilterWhenIpv6PeerThenIpv6ClientAddress: cannot bind [::1] on this machine");
        }
        Assumptions.assumeTrue(server.base6() != null, "IPv6 loopback [::1] is not available on this machine");
        String v6Only = fx.tokenFrom("alice", AccessLevel.READ, List.of("::1/128"));
        HttpResponse<String> r = fx.get(server.base6().resolve("/x"), "Authorization", "Bearer " + v6Only);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("clientIp=::1");
        assertThat(fx.get(server.base().resolve("/x"), "Authorization", "Bearer " + v6Only).statusCode()).isEqualTo(401);
        // a spoofed header over IPv6 from an untrusted peer changes nothing either
        assertThat(fx.get(server.base6().resolve("/x"), "Authorization", "Bearer " + v6Only,
                "X-Forwarded-For", "203.0.113.1").body()).contains("clientIp=::1");
    }
}
