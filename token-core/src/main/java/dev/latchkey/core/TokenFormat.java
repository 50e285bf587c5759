package dev.latchkey.core;

import dev.latchkey.spi.TokenKind;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The token string format: {@code <prefix>_<random><checksum>}.
 * <ul>
 *   <li>{@code prefix}: configurable per kind (default {@code lkp} personal, {@code lks} service), so secret
 *       scanners can recognise a host's tokens;</li>
 *   <li>{@code random}: {@value #RANDOM_LENGTH} base62 characters from {@link SecureRandom}
 *       (about 178 bits);</li>
 *   <li>{@code checksum}: CRC32 of {@code <prefix>_<random>} in {@value #CHECKSUM_LENGTH} base62 characters, so
 *       a mistyped or made-up string is rejected without touching storage.</li>
 * </ul>
 * Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class TokenFormat {
    /** Random characters per token: 30 x log2(62) = 178.6 bits, above the 160-bit floor. */
    public static final int RANDOM_LENGTH = 30;
    /** Checksum characters: 62^6 > 2^32, so every CRC32 value fits. */
    public static final int CHECKSUM_LENGTH = 6;

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{1,11}");
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final byte[] INDEX = new byte[128];

    static {
        java.util.Arrays.fill(INDEX, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            INDEX[ALPHABET[i]] = (byte) i;
        }
    }

    private final String personalPrefix;
    private final String servicePrefix;
    private final int personalLength;
    private final int serviceLength;
    private final SecureRandom random = new SecureRandom();

    private TokenFormat(String personalPrefix, String servicePrefix) {
        this.personalPrefix = checkPrefix("personalPrefix", personalPrefix);
        this.servicePrefix = checkPrefix("servicePrefix", servicePrefix);
        if (personalPrefix.equals(servicePrefix)) {
            throw new IllegalArgumentException("personal and service prefixes are both '" + personalPrefix
                    + "'; they must differ so the kind can be told from the token");
        }
        this.personalLength = personalPrefix.length() + 1 + RANDOM_LENGTH + CHECKSUM_LENGTH;
        this.serviceLength = servicePrefix.length() + 1 + RANDOM_LENGTH + CHECKSUM_LENGTH;
    }

    private static String checkPrefix(String name, String prefix) {
        Objects.requireNonNull(prefix, name);
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(name + " '" + prefix + "' must be 2 to 12 characters: a lower-case "
                    + "letter, then lower-case letters or digits");
        }
        return prefix;
    }

    /**
     * The default format: {@code lkp_...} for personal tokens and {@code lks_...} for service tokens.
     *
     * @return the format with prefixes {@code lkp} and {@code lks}
     */
    public static TokenFormat defaults() {
        return of("lkp", "lks");
    }

    /**
     * A format with the given prefixes.
     *
     * @param personalPrefix the prefix of personal tokens, without the underscore
     * @param servicePrefix  the prefix of service tokens, without the underscore
     * @return the format
     * @throws IllegalArgumentException if a prefix is not 2-12 lower-case letters/digits starting with a
     *                                  letter, or both are equal
     */
    public static TokenFormat of(String personalPrefix, String servicePrefix) {
        return new TokenFormat(personalPrefix, servicePrefix);
    }

    /**
     * The prefix of personal tokens, without the underscore that follows it in a token.
     *
     * @return the personal prefix, e.g. {@code lkp}
     */
    public String personalPrefix() {
        return personalPrefix;
    }

    /**
     * The prefix of service tokens, without the underscore that follows it in a token.
     *
     * @return the service prefix, e.g. {@code lks}
     */
    public String servicePrefix() {
        return servicePrefix;
    }

    /**
     * A new random token of {@code kind}.
     *
     * @param kind personal or service, which picks the prefix
     * @return the new token; its text is a secret
     */
    public TokenSecret generate(TokenKind kind) {
        String prefix = kind == TokenKind.PERSONAL ? personalPrefix : servicePrefix;
        StringBuilder b = new StringBuilder(prefix.length() + 1 + RANDOM_LENGTH + CHECKSUM_LENGTH);
        b.append(prefix).append('_');
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        CRC32 crc = new CRC32();
        crc.update(b.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        appendChecksum(b, crc.getValue());
        return new TokenSecret(b.toString());
    }

    /**
     * The kind of token {@code text} is, if it has this format's shape: a known prefix, the exact length, the
     * base62 alphabet and a matching checksum. Pure computation; never touches storage.
     *
     * @param text any text, e.g. a presented credential; may be null
     * @return the token's kind, or empty when {@code text} is null or not shaped like a token of this format
     */
    public Optional<TokenKind> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        TokenKind kind;
        int n = text.length();
        if (n == personalLength && text.startsWith(personalPrefix) && text.charAt(personalPrefix.length()) == '_') {
            kind = TokenKind.PERSONAL;
        } else if (n == serviceLength && text.startsWith(servicePrefix) && text.charAt(servicePrefix.length()) == '_') {
            kind = TokenKind.SERVICE;
        } else {
            return Optional.empty();
        }
        int bodyEnd = n - CHECKSUM_LENGTH;
        int bodyStart = (kind == TokenKind.PERSONAL ? personalPrefix : servicePrefix).length() + 1;
        // one pass: check the alphabet and copy to bytes, so the CRC runs over an array (the JDK's intrinsic)
        // rather than one call per character
        byte[] bytes = new byte[bodyEnd];
        for (int i = 0; i < bodyStart; i++) {
            bytes[i] = (byte) text.charAt(i); // the prefix and '_' matched above: ASCII
        }
        for (int i = bodyStart; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 128 || INDEX[c] < 0) {
                return Optional.empty();
            }
            if (i < bodyEnd) {
                bytes[i] = (byte) c;
            }
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bodyEnd);
        long expected = crc.getValue();
        long actual = 0;
        for (int i = bodyEnd; i < n; i++) {
            actual = actual * 62 + INDEX[text.charAt(i)];
        }
        return actual == expected ? Optional.of(kind) : Optional.empty();
    }

    /**
     * A short non-secret hint: the prefix and the last four characters (part of the checksum).
     *
     * @param token a token's text, with an underscore after its prefix and at least four characters after that
     * @return the prefix, the underscore, an ellipsis and the last four characters
     */
    public static String hint(String token) {
        int us = token.indexOf('_');
        return token.substring(0, us + 1) + "…" + token.substring(token.length() - 4);
    }

    private static void appendChecksum(StringBuilder b, long value) {
        char[] out = new char[CHECKSUM_LENGTH];
        long v = value;
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            out[i] = ALPHABET[(int) (v % 62)];
            v /= 62;
        }
        b.append(out);
    }

    @Override
    public String toString() {
        return "TokenFormat[" + personalPrefix + "_…, " + servicePrefix + "_…]";
    }
}
