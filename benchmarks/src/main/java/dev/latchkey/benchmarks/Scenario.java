package dev.latchkey.benchmarks;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.Scope;
import java.util.List;
import java.util.Set;

/**
 * The request every benchmark authenticates, so hot path, cold path and HTTP numbers describe the same
 * decision: a READ token limited to project {@code DEMO} and to ten CIDR ranges (IPv4 and IPv6), used for a
 * Bitbucket REST read from {@code 10.1.2.3}, which lies in the third range.
 */
public final class Scenario {
    /** Ten ranges, mixed families; the client matches {@code 10.0.0.0/8}. */
    public static final List<String> TOKEN_CIDRS = List.of(
            "192.168.0.0/16", "172.16.0.0/12", "10.0.0.0/8", "203.0.113.0/24", "198.51.100.0/24",
            "2001:db8::/32", "fd00::/8", "100.64.0.0/10", "192.0.2.0/24", "2001:db8:1234::/48");
    public static final String PROJECT = "DEMO";
    public static final Scope SCOPE = Scope.of(AccessLevel.READ, Set.of(PROJECT));
    public static final String OWNER = "alice";
    public static final String METHOD = "GET";
    public static final String PATH = "/rest/api/1.0/projects/DEMO/repos/demo-repo/commits";
    public static final String CLIENT_IP = "10.1.2.3";
    public static final RequestFacts REQUEST = RequestFacts.of(METHOD, PATH, CLIENT_IP);

    private Scenario() {
    }
}
