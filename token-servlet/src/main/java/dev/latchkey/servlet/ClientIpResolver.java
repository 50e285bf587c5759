package dev.latchkey.servlet;

import dev.latchkey.core.internal.net.CidrRules;
import dev.latchkey.servlet.internal.ForwardingHops;
import dev.latchkey.servlet.internal.IpText;
import dev.latchkey.core.RequestFacts;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.latchkey.spi.internal.SetOnce;

/**
 * Decides which IP address a request came from.
 *
 * <p>By default that is the peer address ({@code getRemoteAddr()}). When the peer lies inside one of the
 * {@linkplain Builder#trustedProxies(String...) trusted proxy ranges}, the configured forwarding header is
 * read and walked from right (nearest proxy) to left, skipping hops that are themselves trusted proxies; the
 * first untrusted hop is the client. So a forwarding header sent by anybody else changes nothing.
 *
 * <ul>
 *   <li>IPv4-mapped IPv6 ({@code ::ffff:192.0.2.1}) is reported as IPv4; IPv6 is reported in canonical
 *       compressed form; brackets, ports and zone ids are dropped.</li>
 *   <li>Only the hops right of the client matter: the header is read one hop at a time from the right, so
 *       whatever the client wrote left of its own address (empty hops, syntax errors, thousands of hops) is
 *       never parsed. Several header lines are one list, in the order received.</li>
 *   <li>When the walk meets, before any untrusted hop, a hop it cannot use — empty or unparseable, an
 *       {@code unknown} hop or an RFC 7239 obfuscated identifier ({@code for=_hidden}), an element without
 *       {@code for} or with two, a client further than {@value ForwardingHops#MAX_HOPS} hops from the right, or a single-value
 *       header ({@code X-Real-IP}) sent twice or holding a list — the client is
 *       {@linkplain RequestFacts#UNKNOWN_CLIENT_IP unknown}. An unknown client matches no CIDR rule and no
 *       allowlist. It is never the peer: that is the trusted proxy, whose address would satisfy a token limited
 *       to it. Resolution never throws.</li>
 *   <li>A trusted peer that sends no forwarding header is itself the client; when every hop is a trusted proxy,
 *       the leftmost one is.</li>
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class ClientIpResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ClientIpResolver.class);
    private static final ClientIpResolver PEER_ONLY = new ClientIpResolver(CidrRules.none(), ForwardedHeader.X_FORWARDED_FOR,
            ForwardedHeader.X_FORWARDED_FOR.headerName());

    private final CidrRules trusted;
    private final ForwardedHeader syntax;
    private final String headerName;

    private ClientIpResolver(CidrRules trusted, ForwardedHeader syntax, String headerName) {
        this.trusted = trusted;
        this.syntax = syntax;
        this.headerName = headerName;
    }

    /**
     * Uses the peer address only; forwarding headers are never read.
     *
     * @return the shared resolver that answers with the peer address
     */
    public static ClientIpResolver peerAddressOnly() {
        return PEER_ONLY;
    }

    /**
     * A new builder.
     *
     * @return a builder with no trusted proxy and no header
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The client IP of {@code request}, as described above, or {@link RequestFacts#UNKNOWN_CLIENT_IP}; never
     * null.
     *
     * @param request the request whose client address is wanted
     * @return the client address in canonical form, or {@link RequestFacts#UNKNOWN_CLIENT_IP}; when the peer address is
     *         not an IP address, that text as the server gave it (empty for none)
     * @throws NullPointerException if {@code request} is null
     */
    public String resolve(HttpServletRequest request) {
        Objects.requireNonNull(request, "request");
        String peerText = request.getRemoteAddr();
        String peer = IpText.parseHost(peerText);
        if (peer == null) {
            return peerText == null ? "" : peerText;
        }
        if (!trusted.contains(peer)) {
            return peer;
        }
        Enumeration<String> values = request.getHeaders(headerName);
        List<String> lines = values == null ? List.of() : Collections.list(values);
        return walk(peer, lines);
    }

    /**
     * The client address for a request whose peer is {@code peer} and whose forwarding header lines are
     * {@code headerLines} (in the order received). The servlet-free core of {@link #resolve}; exposed for
     * hosts that are not servlet applications.
     *
     * @param peerAddress the address of the directly connected peer, as the server reports it; may be null
     * @param headerLines the lines of the configured forwarding header, in the order received; read only when the peer
     *                    is a trusted proxy
     * @return the client address, resolved as {@link #resolve(HttpServletRequest)} does
     */
    public String resolve(String peerAddress, List<String> headerLines) {
        String peer = IpText.parseHost(peerAddress);
        if (peer == null) {
            return peerAddress == null ? "" : peerAddress;
        }
        if (!trusted.contains(peer)) {
            return peer;
        }
        return walk(peer, List.copyOf(headerLines));
    }

    private String walk(String peer, List<String> lines) {
        if (lines.isEmpty()) {
            return peer;
        }
        List<String> hops = switch (syntax) {
            case FORWARDED -> ForwardingHops.forwardedFromRight(lines);
            // a single value: two lines or a list mean something else wrote it too, and we cannot tell which
            case X_REAL_IP -> lines.size() == 1 && lines.get(0).indexOf(',') < 0
                    ? ForwardingHops.commaListFromRight(lines) : List.of(ForwardingHops.INVALID);
            case X_FORWARDED_FOR -> ForwardingHops.commaListFromRight(lines);
        };
        String leftmostTrusted = peer;
        int n = Math.min(hops.size(), ForwardingHops.MAX_HOPS);
        for (int i = 0; i < n; i++) {
            String hop = hops.get(i);
            String address = hop == ForwardingHops.INVALID || hop == ForwardingHops.OBFUSCATED ? null
                    : IpText.parseHost(hop);
            if (address == null) {
                LOG.debug("the {} header from trusted proxy {} has an unusable hop {} from the right; the client "
                        + "address is unknown", headerName, peer, i + 1);
                return RequestFacts.UNKNOWN_CLIENT_IP;
            }
            if (!trusted.contains(address)) {
                return address;
            }
            leftmostTrusted = address;
        }
        if (hops.size() > ForwardingHops.MAX_HOPS) {
            LOG.debug("the {} header from trusted proxy {} has more than {} trusted hops; the client address is "
                    + "unknown", headerName, peer, ForwardingHops.MAX_HOPS);
            return RequestFacts.UNKNOWN_CLIENT_IP;
        }
        return leftmostTrusted;
    }

    @Override
    public String toString() {
        return "ClientIpResolver[trustedProxies=" + trusted.canonical() + ", header=" + headerName + "]";
    }

    /** Configures a resolver. Each option may be set once. Not thread-safe. */
    public static final class Builder {
        private CidrRules trusted;
        private ForwardedHeader syntax;
        private String headerName;

        private Builder() {
        }

        /**
         * The proxies (CIDR blocks or single addresses) whose forwarding header is believed. Default: none.
         *
         * @param cidrs the trusted proxies' addresses or CIDR blocks
         * @return this builder
         * @throws dev.latchkey.core.ValidationException naming {@code trustedProxies} if an entry is not an address
         *                                               or CIDR block (host bits set below the prefix included)
         * @throws IllegalStateException    if already set
         * @throws NullPointerException if {@code cidrs} or an entry is null
         */
        public Builder trustedProxies(String... cidrs) {
            Objects.requireNonNull(cidrs, "cidrs");
            return trustedProxies(List.of(cidrs));
        }

        /**
         * As {@link #trustedProxies(String...)}.
         *
         * @param cidrs the trusted proxies' addresses or CIDR blocks
         * @return this builder
         * @throws NullPointerException     if {@code cidrs} or an entry is null
         * @throws dev.latchkey.core.ValidationException naming {@code trustedProxies} if an entry is not an address or
         *                                               CIDR block
         * @throws IllegalStateException    if already set
         */
        public Builder trustedProxies(List<String> cidrs) {
            SetOnce.check(trusted, "trustedProxies");
            for (String c : Objects.requireNonNull(cidrs, "cidrs")) {
                Objects.requireNonNull(c, "cidr");
            }
            this.trusted = CidrRules.compile("trustedProxies", cidrs);
            return this;
        }

        /**
         * The forwarding header to read from trusted proxies. Default {@link ForwardedHeader#X_FORWARDED_FOR}.
         *
         * @param header the header the trusted proxies set
         * @return this builder
         * @throws IllegalStateException if a header was already set
         * @throws NullPointerException if {@code header} is null
         */
        public Builder header(ForwardedHeader header) {
            SetOnce.check(syntax == null ? null : headerName, "the forwarding header");
            this.syntax = Objects.requireNonNull(header, "header");
            this.headerName = header.headerName();
            return this;
        }

        /**
         * A custom forwarding header with {@code X-Forwarded-For} syntax (e.g. {@code X-Client-IP},
         * {@code CF-Connecting-IP}). The well-known names map to their own syntax.
         *
         * @param name the header's name
         * @return this builder
         * @throws IllegalArgumentException if {@code name} is not a valid header name
         * @throws IllegalStateException    if a header was already set
         * @throws NullPointerException if {@code name} is null
         */
        public Builder customHeader(String name) {
            Objects.requireNonNull(name, "name");
            if (!ForwardingHops.isHeaderName(name)) {
                throw new IllegalArgumentException("'" + name + "' is not an HTTP header name");
            }
            for (ForwardedHeader h : ForwardedHeader.values()) {
                if (h.headerName().equalsIgnoreCase(name)) {
                    return header(h);
                }
            }
            SetOnce.check(syntax == null ? null : headerName, "the forwarding header");
            this.syntax = ForwardedHeader.X_FORWARDED_FOR;
            this.headerName = name;
            return this;
        }

        /**
         * Builds the resolver (immutable and thread-safe).
         *
         * @return the resolver
         * @throws IllegalStateException if a header was set without trusted proxies (it would never be read)
         */
        public ClientIpResolver build() {
            CidrRules t = trusted == null ? CidrRules.none() : trusted;
            if (t.isEmpty() && syntax != null) {
                throw new IllegalStateException("a forwarding header (" + headerName + ") was set but no "
                        + "trustedProxies; the header would never be read. Set trustedProxies(...) to the "
                        + "addresses of your reverse proxies, or drop the header setting");
            }
            if (t.isEmpty()) {
                return PEER_ONLY;
            }
            ForwardedHeader s = syntax == null ? ForwardedHeader.X_FORWARDED_FOR : syntax;
            return new ClientIpResolver(t, s, headerName == null ? s.headerName() : headerName);
        }
    }
}
