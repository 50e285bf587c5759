package dev.latchkey.core.internal;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether one set of canonical CIDR ranges lies within another: the question an update asks before it lets a
 * token's owner change ranges a token manager set (they may only narrow them).
 *
 * @since 0.1
 */
public final class CidrNarrowing {
    private CidrNarrowing() {
    }

    /**
     * True when every address {@code candidate} admits is admitted by {@code current}. An empty list means "no
     * per-token limit", so anything is within an empty {@code current} and an empty {@code candidate} is within
     * only an empty {@code current}. Both lists must be canonical ({@link CidrSet#canonicalize}).
     */
    public static boolean within(List<String> candidate, List<String> current) {
        if (current.isEmpty()) {
            return true;
        }
        if (candidate.isEmpty()) {
            return false;
        }
        List<IPAddress> outer = new ArrayList<>(current.size());
        for (String c : current) {
            outer.add(block(c));
        }
        for (String c : candidate) {
            IPAddress inner = block(c);
            if (outer.stream().noneMatch(o -> o.getIPVersion() == inner.getIPVersion() && o.contains(inner))) {
                return false;
            }
        }
        return true;
    }

    private static IPAddress block(String canonical) {
        IPAddress a = new IPAddressString(canonical).getAddress();
        if (a == null) {
            // canonical text always parses; anything else is refused rather than treated as a wide range
            throw new IllegalStateException("not a canonical CIDR range: " + canonical.length() + " characters");
        }
        return a.toPrefixBlock();
    }
}
