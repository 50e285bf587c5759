package dev.latchkey.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.benchmarks.core.CidrBenchmark;
import dev.latchkey.benchmarks.core.ConcurrencyBenchmark;
import dev.latchkey.benchmarks.core.HotPathBenchmark;
import dev.latchkey.benchmarks.core.HotPathPartsBenchmark;
import dev.latchkey.benchmarks.core.HotPathState;
import dev.latchkey.benchmarks.core.RivalState;
import dev.latchkey.core.Decision;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.benchmarks.jdbc.ColdPathBenchmark;
import dev.latchkey.benchmarks.servlet.HttpBenchmark;
import dev.latchkey.core.internal.CidrSet;
import inet.ipaddr.IPAddressString;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks that each benchmark measures what its name says (an ALLOWED decision, a refusal with no store call,
 * a trie that agrees with the scan), so a change elsewhere cannot make a benchmark silently measure a
 * refusal. Calls setup methods and benchmark methods once; runs in a few seconds and measures nothing.
 */
class BenchmarkSetupTest {

    @Test
    void hotPathWhenValidCachedTokenThenAllowedWithoutStoreCall() {
        HotPathState s = new HotPathState();
        s.setUp();
        try {
            long lookups = s.store.digestLookups();
            HotPathBenchmark b = new HotPathBenchmark();
            Decision d = b.engine(s);
            assertThat(d.isAllowed()).as("%s", d).isTrue();
            ConcurrencyBenchmark c = new ConcurrencyBenchmark();
            assertThat(c.threads1(s).isAllowed()).isTrue();
            assertThat(c.threads2(s).isAllowed()).isTrue();
            assertThat(s.store.digestLookups()).as("a cached token must not reach the store").isEqualTo(lookups);
            assertThat(b.floor(s, new HotPathBenchmark.FloorDigest())).isNotNull().isNotEqualTo(Boolean.TRUE);
            assertThat(s.authenticator.looksLikeToken(TokenText.personal(new Random(1)))).isTrue();
        } finally {
            s.tearDown();
        }
    }

    @Test
    void garbageWhenMadeUpOrWrongChecksumThenMalformedWithZeroStoreCalls() {
        HotPathState s = new HotPathState();
        s.setUp();
        try {
            long lookups = s.store.digestLookups();
            HotPathBenchmark b = new HotPathBenchmark();
            for (Decision d : new Decision[] {b.garbageMadeUp(s), b.garbageWrongChecksum(s)}) {
                assertThat(d).isInstanceOf(Decision.Refused.class);
                assertThat(((Decision.Refused) d).reason()).isEqualTo(RefusalReason.MALFORMED);
            }
            assertThat(s.store.digestLookups()).isEqualTo(lookups);
        } finally {
            s.tearDown();
        }
    }

    @Test
    void rivalsWhenSameTokenThenEachEncoderVerifiesIt() {
        RivalState r = new RivalState();
        r.setUp();
        HotPathBenchmark b = new HotPathBenchmark();
        assertThat(b.bcrypt(r)).isTrue();
        assertThat(b.argon2(r)).isTrue();
        assertThat(b.pbkdf2(r)).isTrue();
    }

    @Test
    void cidrWhenAnyRuleCountThenTrieAndLinearScanAgree() {
        // 100,000 rules take seconds to compile; the generator and the structures are the same at every size
        for (int rules : new int[] {10, 1000}) {
            for (String address : new String[] {"match", "miss"}) {
                CidrBenchmark b = new CidrBenchmark();
                b.rules = rules;
                b.address = address;
                b.setUp();
                assertThat(b.trie.canonical()).hasSize(rules);
                assertThat(b.linear).hasSize(rules);
                assertThat(b.trie()).as("%d rules, %s", rules, address).isEqualTo(address.equals("match"));
                assertThat(b.linearScan()).as("%d rules, %s", rules, address).isEqualTo(address.equals("match"));
                if (rules == 1000) {
                    Random random = new Random(5);
                    for (int i = 0; i < 2000; i++) {
                        String ip = random.nextBoolean()
                                ? (11 + random.nextInt(116)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256)
                                : String.format("2001:db8:%x:%x:%x::1", random.nextInt(0x10000), random.nextInt(0x10000), random.nextInt(0x10000));
                        var parsed = CidrSet.parseClientIp(ip).orElseThrow();
                        boolean scan = b.linear.stream().anyMatch(r -> r.contains(parsed));
                        assertThat(b.trie.contains(parsed)).as(ip).isEqualTo(scan);
                    }
                    // a range's own network address is inside it in both structures
                    var first = new IPAddressString(b.trie.canonical().get(1)).getAddress().getLower().withoutPrefixLength();
                    assertThat(b.trie.contains(first)).isTrue();
                }
            }
        }
    }

    @Test
    void partsWhenRunThenTheyComputeWhatTheEngineComputes() {
        HotPathPartsBenchmark p = new HotPathPartsBenchmark();
        p.setUp();
        assertThat(p.parse()).isPresent();
        assertThat(p.digest()).isEqualTo(p.storedDigest);
        assertThat(p.cacheHit()).isNotNull();
        assertThat(p.sameDigest()).isTrue();
        assertThat(p.clientIpCidr()).isTrue();
        assertThat(p.classify().resource()).contains("DEMO/demo-repo");
    }

    @Test
    void coldPathWhenEveryCallThenCacheMissReadsStoreAndAllows() throws Exception {
        ColdPathBenchmark b = new ColdPathBenchmark();
        b.tokens = 1000;
        b.database = "h2";
        b.setUp();
        try {
            assertThat(b.sample).hasSize(1000);
            ColdPathBenchmark.Cursor cursor = new ColdPathBenchmark.Cursor();
            long before = b.store.digestLookups();
            for (int i = 0; i < 50; i++) {
                Decision d = b.miss(cursor);
                assertThat(d.isAllowed()).as("%s", d).isTrue();
            }
            assertThat(b.store.digestLookups() - before).as("every call must miss the cache").isEqualTo(50);
        } finally {
            b.tearDown();
        }
    }

    @Test
    void httpWhenFilterOrNotThenSameClientGets200AndTheFilterAuthenticates() throws Exception {
        for (String filter : new String[] {"none", "latchkey"}) {
            HttpBenchmark b = new HttpBenchmark();
            b.filter = filter;
            b.setUp();
            HttpBenchmark.Client client = new HttpBenchmark.Client();
            try {
                client.connect(b);
                for (int i = 0; i < 5; i++) {
                    assertThat(b.request(client)).as(filter).isEqualTo(200);
                }
                assertThat(b.servlet.lastRemoteUser).as(filter).isEqualTo(filter.equals("latchkey") ? "alice" : null);
                // with the filter: one store read for the first request, then the cache
                assertThat(b.store.digestLookups()).as(filter).isEqualTo(filter.equals("latchkey") ? 1 : 0);
            } finally {
                client.close();
                b.tearDown();
            }
        }
    }
}
