package dev.latchkey.leaks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.core.LeakOutcome;
import dev.latchkey.core.Latchkey;
import dev.latchkey.leaks.internal.ReportSupport;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import dev.latchkey.spi.internal.SetOnce;

/**
 * GitHub's secret-scanning partner endpoint: GitHub POSTs {@code [{"token","type","url","source"}]} when it finds
 * this host's tokens in public, signed with ECDSA P-256 / SHA-256 over the raw body ({@code
 * Github-Public-Key-Signature}, base64 DER) by the key named in {@code Github-Public-Key-Identifier}. A report
 * whose signature does not verify against a configured key revokes nothing (401, audited, counted against the
 * address by the failed-attempt limit). Each token of this host is revoked as leaked with the URL as the place;
 * the answer is GitHub's {@code [{"token_raw","token_type","label"}]} list ({@code true_positive} for this
 * host's tokens, {@code false_positive} otherwise). Repeated reports change nothing more. Thread-safe.
 *
 * <p>The keys come from {@code https://api.github.com/meta/public_keys/secret_scanning}; the host fetches and
 * configures them (this servlet makes no outgoing calls).
 */
public final class GitHubRevocationServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String KEY_ID_HEADER = "Github-Public-Key-Identifier";
    static final String SIGNATURE_HEADER = "Github-Public-Key-Signature";

    private final transient Latchkey latchkey;
    private final transient Map<String, PublicKey> keys;
    private final transient ReportSupport support;

    private GitHubRevocationServlet(Builder b) {
        this.latchkey = b.latchkey;
        this.keys = Map.copyOf(b.keys);
        this.support = new ReportSupport(b.latchkey, b.clock != null ? b.clock : Clock.systemUTC(), "github",
                1 << 20);
    }

    /**
     * A new builder for the endpoint of {@code latchkey}.
     *
     * @param latchkey the engine whose tokens are revoked
     * @return a builder with no key
     * @throws NullPointerException if {@code latchkey} is null
     */
    public static Builder builder(Latchkey latchkey) {
        return new Builder(Objects.requireNonNull(latchkey, "latchkey"));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!support.admit(req, resp)) {
            return;
        }
        String keyId = req.getHeader(KEY_ID_HEADER);
        String signature = req.getHeader(SIGNATURE_HEADER);
        if (keyId == null || signature == null) {
            support.refuse(req, resp, "missing " + KEY_ID_HEADER + " or " + SIGNATURE_HEADER);
            return;
        }
        PublicKey key = keys.get(keyId.strip());
        if (key == null) {
            support.refuse(req, resp, "unknown " + KEY_ID_HEADER + "; configure GitHub's current secret-scanning keys");
            return;
        }
        byte[] body = support.body(req, resp);
        if (body == null) {
            return;
        }
        if (!verifies(key, body, signature.strip())) {
            support.refuse(req, resp, "the signature does not verify");
            return;
        }
        JsonNode items = support.items(body, resp, 1000);
        if (items == null) {
            return;
        }
        List<Map<String, String>> answer = new ArrayList<>();
        for (JsonNode item : items) {
            String token = item.get("token").asText();
            String type = item.path("type").asText("");
            String where = ReportSupport.where(item.path("url").asText(null), "github " + item.path("source").asText("report"));
            LeakOutcome outcome = latchkey.tokens().reportLeaked("github", token, where);
            Map<String, String> a = new LinkedHashMap<>();
            a.put("token_raw", token); // GitHub's own report, echoed to it as its format asks
            a.put("token_type", type);
            a.put("label", outcome == LeakOutcome.REVOKED || outcome == LeakOutcome.ALREADY_INACTIVE
                    ? "true_positive" : "false_positive");
            answer.add(a);
        }
        ReportSupport.json(resp, 200, answer);
    }

    private static boolean verifies(PublicKey key, byte[] body, String signature) {
        try {
            byte[] sig = Base64.getDecoder().decode(signature);
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(key);
            v.update(body);
            return v.verify(sig);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false; // malformed base64 or DER: fail closed
        }
    }

    /** Configures the endpoint; at least one key is required. Not thread-safe. */
    public static final class Builder {
        private final Latchkey latchkey;
        private final Map<String, PublicKey> keys = new LinkedHashMap<>();
        private Clock clock;

        private Builder(Latchkey latchkey) {
            this.latchkey = latchkey;
        }

        /**
         * A GitHub public key (an EC P-256 key) and its identifier.
         *
         * @param keyId the key's identifier, as GitHub sends it with each report
         * @param key   the EC P-256 public key that verifies the reports' signatures
         * @return this builder
         * @throws IllegalArgumentException if the key is not an EC key or the id is blank or repeats
         * @throws NullPointerException if an argument is null
         */
        public Builder publicKey(String keyId, PublicKey key) {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(key, "key");
            if (keyId.isBlank()) {
                throw new IllegalArgumentException("keyId must not be blank");
            }
            if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new IllegalArgumentException("key " + keyId + " is not an EC P-256 public key");
            }
            if (keys.putIfAbsent(keyId, key) != null) {
                throw new IllegalArgumentException("key " + keyId + " was already added");
            }
            return this;
        }

        /**
         * A GitHub public key in PEM ({@code -----BEGIN PUBLIC KEY-----}), as the meta API lists it.
         *
         * @param keyId the key's identifier, as GitHub sends it with each report
         * @param pem   the key in PEM
         * @return this builder
         * @throws IllegalArgumentException if the text is not a PEM EC public key
         * @throws NullPointerException if an argument is null
         */
        public Builder publicKeyPem(String keyId, String pem) {
            Objects.requireNonNull(pem, "pem");
            String b64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
                    .replaceAll("\\s", "");
            try {
                return publicKey(keyId, KeyFactory.getInstance("EC")
                        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64))));
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                throw new IllegalArgumentException("key " + keyId + " is not a PEM EC public key: " + e.getMessage(), e);
            }
        }

        /**
         * The clock for audit times. Default: the system UTC clock.
         *
         * @param clock the clock for audit times
         * @return this builder
         * @throws NullPointerException  if {@code clock} is null
         * @throws IllegalStateException if already set
         */
        public Builder clock(Clock clock) {
            SetOnce.check(this.clock, "clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The servlet.
         *
         * @return the endpoint, to be mounted by the host
         * @throws IllegalStateException if no key was added
         */
        public GitHubRevocationServlet build() {
            if (keys.isEmpty()) {
                throw new IllegalStateException("no public key was added; add GitHub's secret-scanning keys with "
                        + "publicKeyPem(id, pem)");
            }
            return new GitHubRevocationServlet(this);
        }
    }
}
