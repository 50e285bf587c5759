package dev.latchkey.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import dev.latchkey.core.RequestFacts;
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

    private static final String UNKNOWN = RequestFacts.UNKNOWN_CLIENT_IP;

    @Test
    void resolveWhenObfuscatedOrUnknownHopRightOfClientThenUnknownNeverTheProxy() {
        // the hop right of any untrusted address names nobody: the client cannot be known, and the
        // trusted proxy's own address would satisfy a token limited to it
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=203.0.113.1, for=_hidden, for=10.0.0.9")))
                .isEqualTo(UNKNOWN);
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=unknown"))).isEqualTo(UNKNOWN);
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=\"_hidden:1234\""))).isEqualTo(UNKNOWN);
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("proto=https"))).isEqualTo(UNKNOWN);
        assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.1, unknown"))).isEqualTo(UNKNOWN);
        assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.1, _hidden, 10.0.0.1"))).isEqualTo(UNKNOWN);
        // left of the client they do not matter
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=_hidden, for=unknown, for=203.0.113.1")))
                .isEqualTo("203.0.113.1");
    }

    @Test
    void resolveWhenMalformedHopRightOfClientThenUnknownNeverThePeer() {
        for (String bad : new String[] {"", " , ", "203.0.113.1,,10.0.0.1", "not-an-ip", "203.0.113.1, evil.example",
                "999.1.1.1", "1.2.3.4/8", "010.1.1.1", "1.2.3.4:99999", "[::1", "\u0000", "203.0.113.1\r\nX: y",
                "1.2.3.4 5.6.7.8", "12345678901234567890123456789012345678901234567890::1", "203.0.113.1,"}) {
            assertThat(XFF.resolve("127.0.0.1", List.of(bad))).as(bad).isEqualTo(UNKNOWN);
        }
        for (String bad : new String[] {"for=", "for=\"unterminated", "for=1.2.3.4;", "for=1.2.3.4,", "for=[::1]",
                "for=1.2.3.4;for=5.6.7.8", "garbage", "=x", "for=1.2.3.4 x", "for=\"1.2.3.4\\\"\"", ",",
                "for=203.0.113.1, , for=10.0.0.1"}) {
            assertThat(FORWARDED.resolve("127.0.0.1", List.of(bad))).as(bad).isEqualTo(UNKNOWN);
        }
    }

    @Test
    void resolveWhenAttackerPrefixHasEmptyHopsThenClientRightOfIt() {
        // the review's reproduction: the attacker sent ",," and the proxy appended the real client
        assertThat(XFF.resolve("127.0.0.1", List.of(",, 203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(XFF.resolve("127.0.0.1", List.of(",,", "203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(XFF.resolve("127.0.0.1", List.of("not an ip, 999.9.9.9,,, 203.0.113.9, 10.0.0.1")))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void resolveWhenAttackerPrefixHasForwardedSyntaxErrorsThenClientRightOfIt() {
        for (String prefix : new String[] {"for=\"unterminated", "garbage", "for=1.2.3.4;for=5.6.7.8", "=x;;",
                "for=\"1.2.3.4\\\"", "for=[::1]", ",,", "for=\"a,b", "host=\"\"\"\""}) {
            // the proxy appended to the client's header line, or added a line of its own
            assertThat(FORWARDED.resolve("127.0.0.1", List.of(prefix + ", for=203.0.113.9"))).as(prefix)
                    .isEqualTo("203.0.113.9");
            assertThat(FORWARDED.resolve("127.0.0.1", List.of(prefix, "for=203.0.113.9;proto=https"))).as(prefix)
                    .isEqualTo("203.0.113.9");
            assertThat(FORWARDED.resolve("127.0.0.1", List.of(prefix, "for=\"[2001:db8::9]:4711\", for=10.0.0.2")))
                    .as(prefix).isEqualTo("2001:db8::9");
        }
    }

    @Test
    void resolveWhenTwoForInTheElementRightOfClientThenUnknown() {
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=203.0.113.9, for=10.0.0.5;for=10.0.0.6")))
                .isEqualTo(UNKNOWN);
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=6.6.6.6;for=203.0.113.9"))).isEqualTo(UNKNOWN);
    }

    @Test
    void resolveWhenAttackerSendsThousandsOfHopsLeftOfClientThenClient() {
        assertThat(XFF.resolve("127.0.0.1", List.of("1.1.1.1,".repeat(2000) + "203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(XFF.resolve("127.0.0.1", List.of("10.0.0.1,".repeat(70) + "203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=1.1.1.1,".repeat(2000) + "for=203.0.113.9")))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void resolveWhenClientBeyond64HopsThenUnknown() {
        assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.9," + "10.0.0.1,".repeat(63) + "10.0.0.2")))
                .isEqualTo(UNKNOWN);
        assertThat(XFF.resolve("127.0.0.1", List.of("10.0.0.1,".repeat(70) + "10.0.0.2"))).isEqualTo(UNKNOWN);
        // 64 hops are still walked: 63 trusted ones and the client
        assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.9," + "10.0.0.1,".repeat(62) + "10.0.0.2")))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void resolveWhenSeveralXffLinesThenOneListInOrder() {
        assertThat(XFF.resolve("127.0.0.1", List.of("6.6.6.6, 7.7.7.7", "203.0.113.9", "10.0.0.1, 10.0.0.2")))
                .isEqualTo("203.0.113.9");
        assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.9", ""))).isEqualTo(UNKNOWN);
        assertThat(XFF.resolve("127.0.0.1", List.of("", "203.0.113.9"))).isEqualTo("203.0.113.9");
    }

    @Test
    void resolveWhenPortsBracketsAndMappedAddressesThenAddressOnly() {
        assertThat(XFF.resolve("127.0.0.1", List.of("6.6.6.6, [::ffff:203.0.113.9]:443, [::ffff:10.0.0.1]")))
                .isEqualTo("203.0.113.9");
        assertThat(FORWARDED.resolve("127.0.0.1", List.of("for=\"[::ffff:203.0.113.9]:80\", for=\"10.0.0.1:8080\"")))
                .isEqualTo("203.0.113.9");
        assertThat(XFF.resolve("127.0.0.1", List.of("[2001:db8::9]:4711"))).isEqualTo("2001:db8::9");
        // a mapped hop inside a trusted range is a trusted hop, not the client
        assertThat(XFF.resolve("127.0.0.1", List.of("203.0.113.9, ::ffff:10.0.0.1"))).isEqualTo("203.0.113.9");
    }

    @Test
    void resolveWhenXRealIpThenSingleValueOnlyElseUnknown() {
        ClientIpResolver r = ClientIpResolver.builder().trustedProxies("127.0.0.1").header(ForwardedHeader.X_REAL_IP).build();
        assertThat(r.resolve("127.0.0.1", List.of("203.0.113.8"))).isEqualTo("203.0.113.8");
        assertThat(r.resolve("127.0.0.1", List.of("203.0.113.8", "6.6.6.6"))).isEqualTo(UNKNOWN);
        assertThat(r.resolve("127.0.0.1", List.of("6.6.6.6", "127.0.0.1"))).isEqualTo(UNKNOWN);
        assertThat(r.resolve("127.0.0.1", List.of("203.0.113.8, 6.6.6.6"))).isEqualTo(UNKNOWN);
        assertThat(r.resolve("127.0.0.1", List.of("garbage"))).isEqualTo(UNKNOWN);
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
        for (String hostile : new String[] {"X Bad", "", "X-Client-IP:", "X-Client-IP\r\nX-Evil", "X-Cl\u00efent",
                "X(IP)", "X".repeat(65)}) {
            assertThatThrownBy(() -> ClientIpResolver.builder().customHeader(hostile)).as(hostile)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        ClientIpResolver.builder().customHeader("X-Client_IP.v2!#$%&'*+^`|~" + "X".repeat(38)); // 64 tchars
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

    @Test
    void builderWhenOptionSetTwiceThenFailsNamingTheFirstValue() {
        assertThatThrownBy(() -> ClientIpResolver.builder().header(ForwardedHeader.X_REAL_IP).customHeader("X-Client-IP"))
                .isInstanceOf(IllegalStateException.class).hasMessage("the forwarding header was already set to X-Real-IP");
        assertThatThrownBy(() -> ClientIpResolver.builder().customHeader("X-Client-IP").header(ForwardedHeader.FORWARDED))
                .isInstanceOf(IllegalStateException.class).hasMessage("the forwarding header was already set to X-Client-IP");
        assertThatThrownBy(() -> ClientIpResolver.builder().trustedProxies("10.0.0.0/8").trustedProxies("10.0.0.1"))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("trustedProxies was already set to");
    }
}
