package dev.latchkey.core.scan;

import dev.latchkey.spi.TokenKind;
import java.util.Objects;
import java.util.Optional;

/**
 * One token found by a {@link TokenScanner}: where it is and, if the lookup knew it, which token it is.
 *
 * <p>The token text itself is available through {@link #reveal()} only, because the caller passed it in and may
 * need it (to revoke it by value); {@link #toString()} shows the position, kind, hint and id, never the secret.
 * Immutable.
 *
 * @since 0.1
 */
public final class Finding {
    private final long offset;
    private final long line;
    private final long column;
    private final TokenKind kind;
    private final String hint;
    private final Optional<String> tokenId;
    private final String token;

    Finding(long offset, long line, long column, TokenKind kind, String token, Optional<String> tokenId) {
        this.offset = offset;
        this.line = line;
        this.column = column;
        this.kind = Objects.requireNonNull(kind, "kind");
        this.token = Objects.requireNonNull(token, "token");
        this.tokenId = Objects.requireNonNull(tokenId, "tokenId");
        int us = token.indexOf('_');
        this.hint = token.substring(0, us + 1) + "…" + token.substring(token.length() - 4);
    }

    /**
     * Offset of the token's first character from the start of the input (chars, or bytes for byte input).
     *
     * @return the zero-based offset
     */
    public long offset() {
        return offset;
    }

    /**
     * 1-based line of the token's first character (lines end at {@code '\n'}).
     *
     * @return the line number, from 1
     */
    public long line() {
        return line;
    }

    /**
     * 1-based column of the token's first character (chars, or bytes for byte input).
     *
     * @return the column number, from 1
     */
    public long column() {
        return column;
    }

    /**
     * Length of the token text.
     *
     * @return the number of characters in the token
     */
    public int length() {
        return token.length();
    }

    /**
     * Personal or service, from the prefix.
     *
     * @return the token's kind
     */
    public TokenKind kind() {
        return kind;
    }

    /**
     * The token's non-secret hint ({@code lkp_…x3Zq}), as the token manager shows it.
     *
     * @return the hint, safe to log and show
     */
    public String hint() {
        return hint;
    }

    /**
     * The token's public id, when the scanner's lookup knew the token.
     *
     * @return the public id, or empty when the token is unknown or no lookup was given
     */
    public Optional<String> tokenId() {
        return tokenId;
    }

    /**
     * The token text, exactly as it stood in the input. Only for revoking it by value; never log, store or show
     * it.
     *
     * @return the token's secret text
     */
    public String reveal() {
        return token;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Finding f && f.offset == offset && f.token.equals(token) && f.tokenId.equals(tokenId);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + token.hashCode();
    }

    @Override
    public String toString() {
        return "Finding[line=" + line + ", column=" + column + ", offset=" + offset + ", kind=" + kind
                + ", hint=" + hint + ", tokenId=" + tokenId.orElse("unknown") + "]";
    }
}
