package dev.latchkey.core;

import dev.latchkey.core.internal.net.CidrRules;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.internal.CidrSet;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CidrSetTest {

    @Test
    void canonicalizeWhenMixedFormsThenCanonicalAndMappedBecomesIpv4() {
        assertThat(CidrSet.canonicalize("f", List.of("10.0.0.0/8", "2001:DB8:0:0::/32", "::ffff:192.0.2.0/120",
                "192.0.2.7", "10.0.0.0/8"))).containsExactly("10.0.0.0/8", "2001:db8::/32", "192.0.2.0/24", "192.0.2.7");
    }

    @Test
    void compileWhenHostileTextThenValidationErrorNamingFieldAndEntry() {
        List<String> hostile = List.of("", " ", "10.0.0.0/-1", "10.0.0.0/33", "::/129", "10.0.0.0/8/8", "*",
                "10.*.0.0", "10.0.0.0-10.0.0.255", "10.0.0.0 /8", "0x0a000000/8", "010.0.0.0/8", "10.0.0/24",
                "fe80::1%eth0/64", "10.0.0.0/255.0.0.0", "10.0.0.0/8\u0000", "localhost", "x".repeat(10_000),
                "1.2.3.4/8", "::ffff:0:0/80", "10.0.0.0/08", "0.0.0.0/00", "2001:db8::1/32", "'; DROP TABLE tokens; --");
        for (String h : hostile) {
            assertThatThrownBy(() -> CidrSet.compile("allowedCidrs", List.of(h))).as(h)
                    .isInstanceOf(ValidationException.class)
                    .satisfies(e -> assertThat(((ValidationException) e).field()).isEqualTo("allowedCidrs"))
                    .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(400));
        }
    }

    @Test
    void containsWhenEdgesOfTheAddressSpaceThenExact() {
        CidrSet all = CidrSet.compile("r", List.of("0.0.0.0/0", "::/0"));
        assertThat(all.contains(CidrSet.parseClientIp("255.255.255.255").orElseThrow())).isTrue();
        assertThat(all.contains(CidrSet.parseClientIp("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").orElseThrow())).isTrue();
        CidrSet ends = CidrSet.compile("r", List.of("255.255.255.255/32", "0.0.0.0/32",
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "::/128", "8000::/1"));
        assertThat(ends.contains(CidrSet.parseClientIp("255.255.255.254").orElseThrow())).isFalse();
        assertThat(ends.contains(CidrSet.parseClientIp("0.0.0.1").orElseThrow())).isFalse();
        assertThat(ends.contains(CidrSet.parseClientIp("0.0.0.0").orElseThrow())).isTrue();
        assertThat(ends.contains(CidrSet.parseClientIp("::1").orElseThrow())).isFalse();
        assertThat(ends.contains(CidrSet.parseClientIp("7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").orElseThrow())).isFalse();
        assertThat(ends.contains(CidrSet.parseClientIp("8000::").orElseThrow())).isTrue();
        // adjacent and nested ranges merge without swallowing their neighbours
        CidrSet merged = CidrSet.compile("r", List.of("10.0.0.0/25", "10.0.0.128/25", "10.0.0.64/26", "10.0.2.0/24"));
        assertThat(merged.contains(CidrSet.parseClientIp("10.0.0.255").orElseThrow())).isTrue();
        assertThat(merged.contains(CidrSet.parseClientIp("10.0.1.0").orElseThrow())).isFalse();
        assertThat(merged.contains(CidrSet.parseClientIp("10.0.2.9").orElseThrow())).isTrue();
    }

    @Test
    void containsWhenSmallRandomSetsThenAgreesWithLinearScan() {
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<String> rules = new ArrayList<>();
            for (int i = 0, n = 1 + rnd.nextInt(12); i < n; i++) {
                int prefix = 1 + rnd.nextInt(32);
                int addr = rnd.nextInt() & (prefix == 32 ? -1 : ~((1 << (32 - prefix)) - 1));
                rules.add(((addr >>> 24) & 255) + "." + ((addr >>> 16) & 255) + "." + ((addr >>> 8) & 255) + "."
                        + (addr & 255) + "/" + prefix);
            }
            CidrSet set = CidrSet.compile("r", rules);
            List<IPAddress> ranges = set.ranges();
            for (int i = 0; i < 50; i++) {
                IPAddress a = CidrSet.parseClientIp(rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256)
                        + "." + rnd.nextInt(256)).orElseThrow();
                assertThat(set.contains(a)).as("%s in %s", a, rules)
                        .isEqualTo(ranges.stream().anyMatch(r -> r.isIPv4() && r.contains(a)));
            }
        }
    }

    /**
     * The hot path checks a dotted IPv4 client as a number, without the address parser; everything else takes the
     * parser. Both ways must give the same answer for every text a host may pass, valid or not, IPv4 or IPv6.
     */
    @Test
    void admitsWhenAnyClientTextThenSameAnswerAsParsingAndContains() {
        Random rnd = new Random(11);
        CidrSet v6only = CidrSet.compile("r", List.of("2001:db8::/32"));
        List<String> fixed = List.of("10.1.2.3", "010.1.2.3", "10.1.2.03", "10.1.2", "10.1.2.3.4", "10.1.2.256",
                "255.255.255.255", "0.0.0.0", " 10.1.2.3", "10.1.2.3 ", "10..2.3", "::ffff:10.1.2.3", "[::ffff:10.1.2.3]",
                "2001:db8::1", "[2001:db8::1]", "fe80::1%eth0", "unknown", "", "1.2.3.4/32", "١٠.1.2.3", "10.1.2.3\u0000");
        for (int round = 0; round < 100; round++) {
            List<String> rules = new ArrayList<>();
            for (int i = 0, n = rnd.nextInt(6); i < n; i++) {
                int prefix = 1 + rnd.nextInt(32);
                int addr = rnd.nextInt() & (prefix == 32 ? -1 : ~((1 << (32 - prefix)) - 1));
                rules.add(((addr >>> 24) & 255) + "." + ((addr >>> 16) & 255) + "." + ((addr >>> 8) & 255) + "."
                        + (addr & 255) + "/" + prefix);
            }
            rules.add("10.0.0.0/8");
            CidrSet set = CidrSet.compile("r", rules);
            List<String> texts = new ArrayList<>(fixed);
            for (int i = 0; i < 30; i++) {
                texts.add(rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256));
                texts.add("::ffff:" + rnd.nextInt(256) + "." + rnd.nextInt(256) + ".0.1");
            }
            for (String t : texts) {
                boolean expected = CidrSet.parseClientIp(t).map(set::contains).orElse(false);
                assertThat(CidrSet.admits(set, CidrSet.empty(), t)).as("%s in %s", t, rules).isEqualTo(expected);
                assertThat(CidrSet.admits(CidrSet.empty(), set, t)).as("%s in %s (own)", t, rules).isEqualTo(expected);
                boolean both = expected && CidrSet.parseClientIp(t).map(v6only::contains).orElse(false);
                assertThat(CidrSet.admits(set, v6only, t)).as("%s in both", t).isEqualTo(both);
            }
        }
        assertThat(CidrSet.admits(CidrSet.empty(), CidrSet.empty(), "10.1.2.3")).isTrue();
        assertThat(CidrSet.admits(CidrSet.empty(), CidrSet.empty(), "garbage")).as("not an address").isFalse();
        assertThat(CidrSet.admits(v6only, CidrSet.empty(), null)).isFalse();
        assertThat(CidrSet.admits(v6only, CidrSet.empty(), "10.1.2.3")).as("an IPv4 client, IPv6-only rules").isFalse();
    }

    @Test
    void containsWhenManyRandomRulesThenIndexedLookupAgreesWithLinearScan() {
        Random rnd = new Random(42);
        List<String> rules = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            if (rnd.nextBoolean()) {
                int prefix = 8 + rnd.nextInt(25);
                int addr = rnd.nextInt() & (prefix == 32 ? -1 : ~((1 << (32 - prefix)) - 1));
                rules.add(((addr >>> 24) & 255) + "." + ((addr >>> 16) & 255) + "." + ((addr >>> 8) & 255) + "."
                        + (addr & 255) + "/" + prefix);
            } else {
                rules.add(String.format("2001:db8:%x::/48", rnd.nextInt(65536)));
            }
        }
        CidrSet set = CidrSet.compile("r", rules);
        List<IPAddress> ranges = set.ranges();
        for (int i = 0; i < 5000; i++) {
            String ip = rnd.nextBoolean()
                    ? (rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256))
                    : String.format("2001:db8:%x::%x", rnd.nextInt(65536), rnd.nextInt(65536));
            IPAddress a = CidrSet.parseClientIp(ip).orElseThrow();
            boolean linear = ranges.stream().anyMatch(r -> r.getIPVersion() == a.getIPVersion() && r.contains(a));
            assertThat(set.contains(a)).as(ip).isEqualTo(linear);
        }
    }

    @Test
    void parseClientIpWhenMappedOrBracketedThenNormalised() {
        assertThat(CidrSet.parseClientIp("::ffff:10.1.2.3").orElseThrow().toCanonicalString()).isEqualTo("10.1.2.3");
        assertThat(CidrSet.parseClientIp("[2001:db8::1]").orElseThrow().toCanonicalString()).isEqualTo("2001:db8::1");
        assertThat(CidrSet.parseClientIp("fe80::1%eth0").orElseThrow().toCanonicalString()).isEqualTo("fe80::1");
        assertThat(CidrSet.parseClientIp("255.255.255.255")).isPresent();
        assertThat(CidrSet.parseClientIp("256.1.1.1")).isEmpty();
        assertThat(CidrSet.parseClientIp("1.2.3.4.5")).isEmpty();
    }

    @Test
    void cidrRulesWhenPublicApiThenSameStrictRulesAsTheEngine() {
        CidrRules rules = CidrRules.compile("trustedProxies", List.of("10.0.0.0/8", "2001:db8::/32"));
        assertThat(rules.contains("10.1.2.3")).isTrue();
        assertThat(rules.contains("::ffff:10.1.2.3")).isTrue();
        assertThat(rules.contains("[2001:db8::1]")).isTrue();
        for (String hostile : List.of("", "10.1.2.3:80", "010.1.2.3", "10.1", "10.1.2.3\u0000", "10.0.0.0/8",
                "x".repeat(10_000), "192.0.2.1")) {
            assertThat(rules.contains(hostile)).as(hostile).isFalse();
        }
        assertThat(CidrRules.canonicalAddress("::FFFF:10.1.2.3")).contains("10.1.2.3");
        assertThat(CidrRules.canonicalAddress("2001:DB8:0::1")).contains("2001:db8::1");
        assertThat(CidrRules.canonicalAddress("10.1.2.3/32")).isEmpty();
        assertThatThrownBy(() -> CidrRules.compile("trustedProxies", List.of("10.1.2.3/8")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("trustedProxies");
        assertThat(CidrRules.none().contains("10.1.2.3")).isFalse();
    }

    @Test
    void allowsClientIpWhenGlobalAllowlistSetThenSameAnswerAsTheTokenPath() {
        try (Fixture f = new Fixture()) {
            assertThat(f.latchkey.policy().allowsClientIp("192.0.2.1")).as("empty allowlist admits all").isTrue();
            f.latchkey.policy().update(Actor.user("admin"), java.util.Map.of("globalAllowedCidrs", "10.0.0.0/8"));
            assertThat(f.latchkey.policy().allowsClientIp("10.9.9.9")).isTrue();
            assertThat(f.latchkey.policy().allowsClientIp("::ffff:10.9.9.9")).isTrue();
            for (String hostile : new String[] {"192.0.2.1", "", "unknown", "10.9.9.9, 192.0.2.1", "010.9.9.9", null}) {
                assertThat(f.latchkey.policy().allowsClientIp(hostile)).as(String.valueOf(hostile)).isFalse();
            }
        }
    }
}
