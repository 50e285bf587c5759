package dev.latchkey.rest.internal;

import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.TokenKind;
import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenSort;
import dev.latchkey.spi.TokenState;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/** Parsing of query parameters and filter values; every bad value is 400 naming the parameter. */
final class Params {
    /** The token-manager filters, shared by {@code GET /admin/tokens} and {@code POST /admin/tokens/revoke}. */
    static final Set<String> TOKEN_FILTERS = Set.of("owner", "q", "kind", "state", "createdAfter", "createdBefore",
            "expiresBefore", "lastUsedBefore", "neverUsed");
    static final int DEFAULT_SIZE = 50;

    private Params() {
    }

    /**
     * Refuses a raw query string that is not well-formed percent-encoded UTF-8 ({@code ?%}, {@code ?a=%zz},
     * {@code ?a=%ff}) with 400 naming {@code query}, before the container's parameter parser gets to throw
     * its own exception, whatever the caller's authentication.
     */
    static void checkQueryString(String raw) {
        if (raw == null || raw.indexOf('%') < 0 && isAscii(raw)) {
            return;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (lo < 0) {
                    throw ApiException.invalid("query", "the query string has a '%' that is not followed by two "
                            + "hexadecimal digits; encode '%' as %25");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ApiException.invalid("query", "the query string does not decode to UTF-8");
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    static Instant instant(String field, String text) {
        String t = text.strip();
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, SafeText.quote(t) + " is not an ISO-8601 instant such as "
                    + "2030-01-31T12:00:00Z (or a date such as 2030-01-31)");
        }
    }

    static AccessLevel level(String field, String text) {
        switch (text) {
            case "READ":
                return AccessLevel.READ;
            case "WRITE":
                return AccessLevel.WRITE;
            case "ADMIN":
                return AccessLevel.ADMIN;
            default:
                throw ApiException.invalid(field, SafeText.quote(text) + " is not a level; use READ, WRITE or ADMIN");
        }
    }

    /** The {@code page} parameter (0 when absent), bounded so that page * size cannot overflow. */
    static int page(Map<String, String> params) {
        String v = params.get("page");
        return v == null ? 0 : intIn("page", v, 0, Integer.MAX_VALUE / TokenQuery.MAX_PAGE_SIZE);
    }

    /** The {@code size} parameter ({@value #DEFAULT_SIZE} when absent), 1 to the largest page a store serves. */
    static int size(Map<String, String> params) {
        String v = params.get("size");
        return v == null ? DEFAULT_SIZE : intIn("size", v, 1, TokenQuery.MAX_PAGE_SIZE);
    }

    static int intIn(String field, String text, int min, int max) {
        try {
            int v = Integer.parseInt(text.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.invalid(field, "must be a whole number from " + min + " to " + max);
    }

    static boolean bool(String field, String text) {
        if (text.equals("true")) {
            return true;
        }
        if (text.equals("false")) {
            return false;
        }
        throw ApiException.invalid(field, "must be true or false");
    }

    static <E extends Enum<E>> E enumValue(String field, String text, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(text.strip())) {
                return e;
            }
        }
        throw ApiException.invalid(field, SafeText.quote(text) + " is not one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }

    /** Applies the token-manager filters in {@code values} (already checked for unknown names) to {@code b}. */
    static void applyFilters(Map<String, String> values, TokenQuery.Builder b) {
        values.forEach((k, v) -> {
            switch (k) {
                case "owner":
                    b.owner(v);
                    break;
                case "q":
                    if (v.isEmpty()) {
                        // "contains the empty string" matches every name: a filter that restricts nothing would
                        // turn a bulk revoke into "revoke everything" without {"all": true}
                        throw ApiException.invalid(k, "must not be empty; leave it out to match every name");
                    }
                    b.nameContains(v);
                    break;
                case "kind":
                    b.kind(enumValue(k, v, TokenKind.class));
                    break;
                case "state":
                    b.state(enumValue(k, v, TokenState.class));
                    break;
                case "createdAfter":
                    b.createdAfter(instant(k, v));
                    break;
                case "createdBefore":
                    b.createdBefore(instant(k, v));
                    break;
                case "expiresBefore":
                    b.expiresBefore(instant(k, v));
                    break;
                case "lastUsedBefore":
                    b.lastUsedBefore(instant(k, v));
                    break;
                case "neverUsed":
                    if (!bool(k, v)) {
                        // the store query has no "used at least once" filter, and false restricting nothing
                        // would make a bulk revoke revoke every token
                        throw ApiException.invalid(k, "only true is accepted (tokens never used); leave it out "
                                + "to match used and unused tokens, or use lastUsedBefore for tokens used before a "
                                + "time");
                    }
                    b.neverUsed(true);
                    break;
                default:
                    break;
            }
        });
    }

    /**
     * {@code createdAt|expiresAt|lastUsedAt|name|owner}, ascending, or with a {@code -} prefix descending.
     */
    static void applySort(String text, TokenQuery.Builder b) {
        boolean desc = text.startsWith("-");
        String key = desc ? text.substring(1) : text;
        TokenSort sort;
        switch (key) {
            case "createdAt":
                sort = TokenSort.CREATED_AT;
                break;
            case "expiresAt":
                sort = TokenSort.EXPIRES_AT;
                break;
            case "lastUsedAt":
                sort = TokenSort.LAST_USED_AT;
                break;
            case "name":
                sort = TokenSort.NAME;
                break;
            case "owner":
                sort = TokenSort.OWNER;
                break;
            default:
                throw ApiException.invalid("sort", SafeText.quote(text) + " is not a sort key; use createdAt, "
                        + "expiresAt, lastUsedAt, name or owner, prefixed with '-' for descending");
        }
        b.sort(sort, desc);
    }
}
