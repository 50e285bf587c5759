package dev.latchkey.servlet;

import dev.latchkey.core.internal.net.CidrRules;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.core.RequestFacts;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes client IP resolution behind trusted proxies. For any attacker prefix P and an untrusted client C that
 * the proxies appended (followed by trusted hops), the header {@code P, C, T...} from a trusted peer resolves to
 * C: never to a trusted proxy, never to anything inside P, whatever P holds. C is drawn from 198.18.0.0/15 and
 * the trusted hops from 10.0.0.0/8; an address of P's in C's range is replaced by another, so P never names C.
 * P alone, as a whole header from a trusted peer, resolves to an address or to unknown, without throwing.
 *
 * <p>{@code mvn verify} fuzzes this for a fixed time (the {@code fuzz-client-ip} surefire execution).
 */
class ClientIpFuzzTest {
    private static final ClientIpResolver XFF = ClientIpResolver.builder()
            .trustedProxies("127.0.0.1", "10.0.0.0/8").build();
    private static final ClientIpResolver FORWARDED = ClientIpResolver.builder()
            .trustedProxies("127.0.0.1", "10.0.0.0/8").header(ForwardedHeader.FORWARDED).build();
    private static final CidrRules TRUSTED = CidrRules.compile("trusted", List.of("127.0.0.1/32", "10.0.0.0/8"));

    @FuzzTest(maxDuration = "10s")
    void resolveWhenAttackerPrefixThenClientRightOfItOrUnknown(FuzzedDataProvider data) {
        boolean forwarded = data.consumeBoolean();
        int form = data.consumeInt(0, 3);
        int c2 = data.consumeInt(0, 1);
        int c3 = data.consumeInt(0, 255);
        int c4 = data.consumeInt(0, 255);
        int trustedHops = data.consumeInt(0, 3);
        boolean ownLine = data.consumeBoolean();
        String prefix = data.consumeRemainingAsString().replace("198.1", "192.0");
        String client = "198." + (18 + c2) + "." + c3 + "." + c4;
        String hop = switch (form) {
            case 0 -> client;
            case 1 -> client + ":" + (c3 * 256 + c4);
            case 2 -> "[::ffff:" + client + "]";
            default -> "::ffff:" + client;
        };
        StringBuilder appended = new StringBuilder(forwarded
                ? (form == 0 ? "for=" + hop : "for=\"" + hop + "\"") + ";proto=https" : hop);
        for (int i = 0; i < trustedHops; i++) {
            appended.append(", ").append(forwarded ? "for=" : "").append("10.0.").append(i).append(".").append(c4);
        }
        List<String> lines = new ArrayList<>();
        if (ownLine) {
            lines.add(prefix);
            lines.add(appended.toString());
        } else {
            lines.add(prefix + ", " + appended);
        }
        String resolved = (forwarded ? FORWARDED : XFF).resolve("10.9.9.9", lines);
        assertThat(resolved).as("P=%s", prefix).isEqualTo(client);
        arbitraryHeader(forwarded ? FORWARDED : XFF, prefix);
    }

    /** The prefix alone, from a trusted peer: an address (never throwing), or unknown. */
    private static void arbitraryHeader(ClientIpResolver resolver, String header) {
        String resolved = resolver.resolve("10.9.9.9", List.of(header));
        if (!resolved.equals(RequestFacts.UNKNOWN_CLIENT_IP)) {
            assertThat(CidrRules.canonicalAddress(resolved)).as(header).contains(resolved);
            // a trusted proxy is the answer only when every hop named one
            if (TRUSTED.contains(resolved)) {
                assertThat(header).as(header).isNotBlank();
            }
        }
    }
}
