package dev.latchkey.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Makes token strings in Latchkey's format ({@code lkp_} + 30 base62 + 6-char base62 CRC32) and their
 * SHA-256 digests, for bulk-loading a store without a million engine {@code create} calls. The engine keeps
 * its generator package-private, so the format is restated here; the setup tests check that the engine
 * accepts what this makes ({@code looksLikeToken} and a real ALLOWED decision).
 */
public final class TokenText {
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final HexFormat HEX = HexFormat.of();

    private TokenText() {
    }

    /** A personal token with the default prefix. Not for production: {@code random} need not be secure. */
    public static String personal(Random random) {
        StringBuilder b = new StringBuilder(41).append("lkp_");
        for (int i = 0; i < 30; i++) {
            b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        CRC32 crc = new CRC32();
        for (int i = 0; i < b.length(); i++) {
            crc.update(b.charAt(i));
        }
        long v = crc.getValue();
        char[] sum = new char[6];
        for (int i = 5; i >= 0; i--) {
            sum[i] = ALPHABET[(int) (v % 62)];
            v /= 62;
        }
        return b.append(sum).toString();
    }

    /** The same token with its last (checksum) character changed: right shape, wrong checksum. */
    public static String withWrongChecksum(String token) {
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + (last == 'a' ? 'b' : 'a');
    }

    /** A new SHA-256 instance (not thread-safe; one per thread). */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes: what the engine stores with algorithm id {@code sha256}. */
    public static String sha256Hex(MessageDigest sha256, String token) {
        return HEX.formatHex(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
