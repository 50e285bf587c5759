package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.core.internal.CidrNarrowing;
import dev.latchkey.core.internal.CidrSet;
import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The invariant behind "a non-manager owner may only narrow manager-set CIDRs" (issue 10 §4): whenever
 * {@link CidrNarrowing#within} lets a new set of ranges through, every address of the new set is admitted by the
 * old one. It may refuse a narrowing it cannot prove (fail closed), never the other way round.
 */
class CidrNarrowingFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void withinWhenItAcceptsThenEveryAddressOfTheCandidateIsAdmittedByTheCurrentRanges(FuzzedDataProvider data) {
        List<String> current = ranges(data, data.consumeInt(0, 4));
        List<String> candidate = ranges(data, data.consumeInt(0, 4));
        if (current == null || candidate == null || !CidrNarrowing.within(candidate, current)) {
            return;
        }
        if (current.isEmpty()) {
            return; // no per-token limit: everything is within it
        }
        assertThat(candidate).as("an empty candidate means every address").isNotEmpty();
        CidrSet admitted = CidrSet.compile("allowedCidrs", current);
        for (String c : candidate) {
            IPAddress block = new inet.ipaddr.IPAddressString(c).getAddress().toPrefixBlock();
            assertThat(admitted.contains(block.getLower().withoutPrefixLength()))
                    .as("%s within %s: lowest address", c, current).isTrue();
            assertThat(admitted.contains(block.getUpper().withoutPrefixLength()))
                    .as("%s within %s: highest address", c, current).isTrue();
        }
    }

    @Test
    void withinWhenCandidateWidensOrDropsTheLimitThenFalse() {
        List<String> current = List.of("10.0.0.0/8", "2001:db8::/32");
        assertThat(CidrNarrowing.within(List.of("10.1.0.0/16", "2001:db8:1::/48"), current)).isTrue();
        assertThat(CidrNarrowing.within(List.of(), current)).isFalse();
        assertThat(CidrNarrowing.within(List.of("0.0.0.0/1"), current)).isFalse();
        assertThat(CidrNarrowing.within(List.of("10.0.0.0/7"), current)).isFalse();
        assertThat(CidrNarrowing.within(List.of("10.0.0.0/8", "192.0.2.1/32"), current)).isFalse();
        assertThat(CidrNarrowing.within(List.of("::ffff:10.0.0.0/104"), current)).isFalse();
        assertThat(CidrNarrowing.within(List.of("192.0.2.0/24"), List.of())).isTrue();
    }

    /** Canonical ranges built from fuzz bytes, or null when the engine's parser refuses one. */
    private static List<String> ranges(FuzzedDataProvider data, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            IPAddress a;
            if (data.consumeBoolean()) {
                a = new IPv4Address(padded(data.consumeBytes(4), 4), data.consumeInt(1, 32));
            } else {
                byte[] b = padded(data.consumeBytes(16), 16);
                a = new IPv6Address(b, data.consumeInt(1, 128));
            }
            out.add(a.toPrefixBlock().toCanonicalString());
        }
        try {
            return CidrSet.canonicalize("allowedCidrs", out);
        } catch (ValidationException e) {
            return null;
        }
    }

    private static byte[] padded(byte[] b, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, 0, out, 0, Math.min(b.length, len));
        return out;
    }
}
