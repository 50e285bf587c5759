package dev.latchkey.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import dev.latchkey.core.ValidationException;
import org.junit.jupiter.api.Test;

/** The client IP resolver without HTTP: trusted hops, header syntaxes, hostile headers. */
class ClientIpResolverTest {
    private static final ClientIpResolver XFF = ClientIpResolver.builder()
            .trustedProxies("127.0.0.1/32", "10.0.0.0/8", "2001:db8:ffff::/48").build();
    private static final ClientIpResolver FORWARDED = ClientIpResolver.builder()
            .trustedProxies("127.0.0.1", "10.0.0.0/8").header(ForwardedHeader.FORWARDED).build();

    @Test
    void resolveWhenNoTrustedProxiesThenHeaderIgnored() {
        ClientIpResolver r = ClientIpResolver.peerAddressOnly();
        assertThat(r.resolve("127.0.0.1", List.of("6.6.6.6"))).isEqualTo("127.0.0.1");
        assertThat(ClientIpResolver.builder().build().resolve("127.0.0.1", List.of("6.6.6.6"))).isEqualTo("127.0.0.1");
    }

    @Test
    void resolveWhenPeerUntrustedThenSpoofedHeaderChangesNothing() {
        assertThat(XFF.resolve("192.0.2.9", List.of("6.6.6.6"))).isEqualTo("192.0.2.9");
        assertThat(FORWARDED.resolve("192.0.2.9", List.of("for=6.6.6.6"))).isEqualTo("192.0.2.9");
    }

    @Test
    void resolveWhenPeerTrustedThenWalksRightToLeftSkippingTrustedHops() {
        assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.5"))).isEqualTo("203.0.113.5");
        // the client put a fake first entry; the proxies appended the real one
        assertThat(XFF.resolve("127.0.0.1", List.of("6.6.6.6, 203.0.113.5, 10.1.1.1"))).isEqualTo("203.0.113.5");
        // several header lines are one list, in order
        assertThat(XFF.resolve("127.0.0.1", List.of("6.6.6.6", "203.0.113.5", "10.1.1.1"))).isEqualTo("203.0.113.5");
    }

    @Test
    void resolveWhenEveryHopTrustedThenLeftmostHop() {
        assertThat(XFF.resolve("127.0.0.1", List.of("10.0.0.2, 10.0.0.3"))).isEqualTo("10.0.0.2");
    }

    @Test
    void resolveWhenIpv4MappedIpv6ThenIpv4() {
        assertThat(XFF.resolve("::ffff:127.0.0.1", List.of("::ffff:203.0.113.5"))).isEqualTo("203.0.113.5");
        assertThat(ClientIpResolver.peerAddressOnly().resolve("::ffff:192.0.2.1", List.of())).isEqualTo("192.0.2.1");
        // a mapped peer inside a trusted IPv4 range is trusted
        assertThat(XFF.resolve("::ffff:10.2.3.4", List.of("198.51.100.1"))).isEqualTo("198.51.100.1");
    }

    @Test
    void resolveWhenIpv6ThenCanonicalWithoutBracketsPortsOrZones() {
        assertThat(XFF.resolve("[::1]", List.of())).isEqualTo("::1");
        assertThat(ClientIpResolver.peerAddressOnly().resolve("0:0:0:0:0:0:0:1", List.of())).isEqualTo("::1");
        assertThat(XFF.resolve("2001:db8:ffff::1", List.of("2001:DB8::0001"))).isEqualTo("2001:db8::1");
        assertThat(XFF.resolve("127.0.0.1", List.of("[2001:db8::7]:443"))).isEqualTo("2001:db8::7");
        assertThat(XFF.resolve("127.0.0.1", List.of("fe80::1%eth0"))).isEqualTo("fe80::1");
        assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.5:51234"))).isEqualTo("203.0.113.5");
    }

    @Test
    void resolveWhenForwardedHeaderThenForParameterOfEachElement() {
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=\"[2001:db8::1]:4711\";proto=https")))
                .isEqualTo("2001:db8::1");
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=192.0.2.43, for=10.0.0.5;by=10.0.0.1")))
                .isEqualTo("192.0.2.43");
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("For=\"192.0.2.60:8080\"; proto=http;by=203.0.113.43")))
                .isEqualTo("192.0.2.60");
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("proto=https;for=198.51.100.17;host=\"a,b;c\"")))
                .isEqualTo("198.51.100.17");
    }

    @Test
    void resolveWhenObfuscatedOrUnknownHopThenLastTrustedHop() {
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=203.0.113.1, for=_hidden, for=10.0.0.9")))
                .isEqualTo("10.0.0.9");
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=unknown"))).isEqualTo("127.0.0.1");
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("proto=https"))).isEqualTo("127.0.0.1");
        assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.1, unknown"))).isEqualTo("127.0.0.1");
    }

    @Test
    void resolveWhenMalformedHeaderFromTrustedProxyThenPeerAddress() {
        for (String bad : new String[] {"", " , ", "203.0.113.1,,10.0.0.1", "not-an-ip", "203.0.113.1, evil.example",
                "999.1.1.1", "1.2.3.4/8", "010.1.1.1", "1.2.3.4:99999", "[::1", "\u0000", "203.0.113.1\r\nX: y",
                "1.2.3.4 5.6.7.8", "12345678901234567890123456789012345678901234567890::1"}) {
            assertThat(XFF.resolve("127.0.0.1", List.of(bad))).as(bad).isEqualTo("127.0.0.1");
        }
        for (String bad : new String[] {"for=", "for=\"unterminated", "for=1.2.3.4;", "for=1.2.3.4,", "for=[::1]",
                "for=1.2.3.4;for=5.6.7.8", "garbage", "=x", "for=1.2.3.4 x"}) {
            assertThat(FORWARDED.resolve("127.0.0.1", List.of(bad))).as(bad).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void resolveWhenHeaderHugeOrHasTooManyHopsThenPeerAddress() {
        assertThat(XFF.resolve("127.0.0.1", List.of("1.1.1.1,".repeat(2000) + "2.2.2.2"))).isEqualTo("127.0.0.1");
        assertThat(XFF.resolve("127.0.0.1", List.of("10.0.0.1,".repeat(70) + "10.0.0.2"))).isEqualTo("127.0.0.1");
    }

    @Test
    void resolveWhenXRealIpThenSingleValueOnly() {
        ClientIpResolver r = ClientIpResolver.builder().trustedProxies("127.0.0.1").header(ForwardedHeader.X_REAL_IP).build();
        assertThat(r.resolve("127.0.0.1", List.of("203.0.113.8"))).isEqualTo("203.0.113.8");
        assertThat(r.resolve("127.0.0.1", List.of("203.0.113.8", "6.6.6.6"))).isEqualTo("127.0.0.1");
        assertThat(r.resolve("127.0.0.1", List.of("203.0.113.8, 6.6.6.6"))).isEqualTo("127.0.0.1");
        assertThat(r.resolve("192.0.2.1", List.of("203.0.113.8"))).isEqualTo("192.0.2.1");
    }

    @Test
    void resolveWhenPeerIsNotAnAddressThenReturnedAsIs() {
        assertThat(XFF.resolve("some-socket", List.of("203.0.113.8"))).isEqualTo("some-socket");
    }

    @Test
    void builderWhenBadSettingsThenRejected() {
        assertThatThrownBy(() -> ClientIpResolver.builder().trustedProxies("10.0.0.0/33"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("trustedProxies");
        assertThatThrownBy(() -> ClientIpResolver.builder().trustedProxies("proxy.example"))
                .isInstanceOf(ValidationException.class);
        // a range with host bits set is refused, never silently widened to the whole block it falls in
        assertThatThrownBy(() -> ClientIpResolver.builder().trustedProxies("10.1.2.3/8"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("did you mean 10.0.0.0/8");
        for (String hostile : new String[] {"10.0.0.0/08", "010.0.0.0/8", "10.0.0.0/8\u0000", "*", "10.0.0.0-10.0.0.9"}) {
            assertThatThrownBy(() -> ClientIpResolver.builder().trustedProxies(hostile)).as(hostile)
                    .isInstanceOf(ValidationException.class);
        }
        assertThatThrownBy(() -> ClientIpResolver.builder().customHeader("X Bad"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientIpResolver.builder().header(ForwardedHeader.FORWARDED).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("trustedProxies");
        assertThatThrownBy(() -> ClientIpResolver.builder().trustedProxies("10.0.0.1").trustedProxies("10.0.0.2"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void resolveWhenCustomHeaderThenCommaListSyntax() {
        ClientIpResolver r = ClientIpResolver.builder().trustedProxies("127.0.0.1").customHeader("CF-Connecting-IP").build();
        assertThat(r.resolve("127.0.0.1", List.of("203.0.113.77"))).isEqualTo("203.0.113.77");
        assertThat(r.toString()).contains("CF-Connecting-IP");
    }

    @Test
    void resolveWhenProxyRangeIsIpv4MappedThenMatchesIpv4Peers() {
        ClientIpResolver r = ClientIpResolver.builder().trustedProxies("::ffff:10.0.0.0/104").build();
        assertThat(r.resolve("10.200.0.1", List.of("203.0.113.1"))).isEqualTo("203.0.113.1");
        assertThat(r.resolve("::ffff:10.200.0.1", List.of("203.0.113.1"))).isEqualTo("203.0.113.1");
        assertThat(r.resolve("11.0.0.1", List.of("203.0.113.1"))).isEqualTo("11.0.0.1");
    }
}
