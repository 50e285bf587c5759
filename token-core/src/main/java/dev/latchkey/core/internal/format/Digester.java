package dev.latchkey.core.internal.format;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Digests token secrets: SHA-256, or HMAC-SHA-256 keyed with a server-side pepper. One instance of the JCA
 * object per thread, so the hot path neither allocates one nor contends on one.
 *
 * @since 0.1
 */
public final class Digester {
    private static final HexFormat HEX = HexFormat.of();

    private final String algorithmId;
    private final ThreadLocal<MessageDigest> sha256;
    private final ThreadLocal<Mac> hmac;

    private Digester(String algorithmId, ThreadLocal<MessageDigest> sha256, ThreadLocal<Mac> hmac) {
        this.algorithmId = algorithmId;
        this.sha256 = sha256;
        this.hmac = hmac;
    }

    public static Digester sha256() {
        try {
            MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        return new Digester("sha256", ThreadLocal.withInitial(() -> {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }), null);
    }

    public static Digester hmacSha256(String keyId, byte[] pepper) {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(pepper, "pepper");
        if (!keyId.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException("keyId '" + keyId + "' must be 1-32 letters, digits, '_' or '-'");
        }
        if (pepper.length < 32) {
            throw new IllegalArgumentException("the pepper is " + pepper.length + " bytes; use at least 32 random bytes");
        }
        SecretKeySpec key = new SecretKeySpec(pepper.clone(), "HmacSHA256");
        try {
            Mac.getInstance("HmacSHA256").init(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the pepper cannot key HMAC-SHA-256: " + e.getMessage(), e);
        }
        return new Digester("hmac-sha256:" + keyId, null, ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    public String algorithmId() {
        return algorithmId;
    }

    /** Lower-case hex digest of {@code token}. */
    public String digest(String token) {
        byte[] in = token.getBytes(StandardCharsets.UTF_8);
        byte[] out = hmac != null ? hmac.get().doFinal(in) : sha256.get().digest(in);
        return HEX.formatHex(out);
    }

    /**
     * Constant-time comparison of two hex digests (time depends only on the length, which is public): every
     * character is compared, with no early exit. No copies, since it runs on every request.
     */
    public static boolean same(String a, String b) {
        int n = a.length();
        if (n != b.length()) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < n; i++) {
            diff |= a.charAt(i) ^ b.charAt(i);
        }
        return diff == 0;
    }
}
