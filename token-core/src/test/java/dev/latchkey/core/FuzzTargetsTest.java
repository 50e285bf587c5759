package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.spi.AccessLevel;
import inet.ipaddr.IPAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Fuzzes the parsers that face untrusted text: the token parser, the authenticator (token text and
 * every request fact), the CIDR parser and the client-address check of the hot path (which reads a dotted IPv4
 * address without the general parser, and must agree with it). Nothing but the documented results and errors may come out, and
 * nothing may ever be accepted that should not be.
 *
 * <p>{@code mvn verify} runs this in fuzzing mode for a fixed duration (a separate surefire execution sets
 * {@code JAZZER_FUZZ=1}); without it, JUnit replays the stored inputs only.
 */
class FuzzTargetsTest {
    private static final Set<RefusalReason> GARBAGE_REASONS = EnumSet.of(RefusalReason.MALFORMED, RefusalReason.UNKNOWN);
    private static final CidrSet MIXED = CidrSet.compile("r", List.of("10.0.0.0/8", "192.0.2.128/25", "2001:db8::/32",
            "::ffff:198.51.100.0/120"));
    private static Fixture fixture;
    private static IssuedToken readToken;

    private static synchronized void init() {
        if (fixture == null) {
            // no failed-attempt limit: it would answer RATE_LIMITED after 20 refusals from one fuzzed address,
            // and this target is about the parsers (RefusalFuzzTest fuzzes the limiter)
            fixture = Fixture.with(Latchkey.Builder::noFailedAttemptLimit);
            readToken = fixture.latchkey.tokens().create(Actor.user("alice"),
                    NewToken.builder("fuzz", AccessLevel.READ).allowedCidrs(List.of("10.0.0.0/8", "2001:db8::/32")).build());
        }
    }

    @FuzzTest(maxDuration = "25s")
    void parsersWhenFedArbitraryInputThenOnlyDocumentedOutcomes(FuzzedDataProvider data) {
        init();
        String method = data.consumeString(12);
        String path = data.consumeString(200);
        String query = data.consumeString(100);
        String ip = data.consumeString(60);
        boolean basic = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        Authenticator auth = fixture.latchkey.authenticator();

        // 1. token parser: total, and accepts only strings of the exact shape
        Optional<dev.latchkey.spi.TokenKind> kind = fixture.latchkey.tokenFormat().parse(text);
        if (kind.isPresent()) {
            assertThat(text).matches("lk[ps]_[0-9A-Za-z]{36}");
        }

        // 2. authenticator on arbitrary token text: never allowed, never throws, garbage reasons only
        Credential garbage = basic ? Credential.basic(path, text) : Credential.bearer(text);
        Decision d = auth.authenticate(garbage, new RequestFacts(method, path, query, ip));
        assertThat(d).isInstanceOf(Decision.Refused.class);
        assertThat(((Decision.Refused) d).reason()).isIn(GARBAGE_REASONS);

        // 3. a real READ token limited to 10/8 and 2001:db8::/32, with arbitrary request facts: if allowed,
        //    the request really was a read from an allowed address
        Decision real = auth.authenticate(Credential.bearer(readToken.secret().reveal()),
                new RequestFacts(method, path, query, ip));
        if (real.isAllowed()) {
            IPAddress client = CidrSet.parseClientIp(ip).orElseThrow();
            assertThat(client.isIPv4() ? client.toCanonicalString().startsWith("10.") : client.toCanonicalString().startsWith("2001:db8:"))
                    .as("allowed from %s", ip).isTrue();
            boolean safeMethod = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
            boolean fetch = method.equals("POST") && path.endsWith("/git-upload-pack");
            assertThat(safeMethod || fetch).as("allowed %s %s", method, path).isTrue();
            assertThat(path).doesNotContain("git-receive-pack");
            assertThat(query).doesNotContain("service=git-receive-pack");
        }

        // 5. the hot path's client check agrees with parsing the address and asking the set, for any text
        assertThat(CidrSet.admits(MIXED, CidrSet.empty(), ip)).as("admits %s", ip)
                .isEqualTo(CidrSet.parseClientIp(ip).map(MIXED::contains).orElse(false));
        assertThat(CidrSet.admits(CidrSet.empty(), MIXED, ip)).as("admits %s (own set)", ip)
                .isEqualTo(CidrSet.parseClientIp(ip).map(MIXED::contains).orElse(false));

        // 4. CIDR parser: a canonical result that parses to itself, or a ValidationException naming the field
        try {
            List<String> canonical = CidrSet.canonicalize("allowedCidrs", List.of(text));
            assertThat(CidrSet.canonicalize("allowedCidrs", canonical)).isEqualTo(canonical);
        } catch (ValidationException e) {
            assertThat(e.field()).isEqualTo("allowedCidrs");
        }
    }
}
