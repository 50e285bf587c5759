package dev.latchkey.jdbc.internal;

import dev.latchkey.spi.TokenQuery;
import dev.latchkey.spi.TokenSort;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every statement {@code JdbcTokenStore} runs, built once per table prefix. Public so tests (EXPLAIN plans) run
 * exactly the store's SQL; not exported from the module.
 */
public final class TokenSql {
    /** Escape character for LIKE patterns; chosen because no dialect gives it a meaning inside string literals. */
    static final char LIKE_ESCAPE = '!';

    static final String COLUMNS = "id, kind, name, owner, created_by, level, domain_levels, resources, allowed_cidrs, "
            + "digest, digest_algorithm, hint, created_at, expires_at, revoked_at, revoked_by, revoke_reason, "
            + "last_used_at, last_used_ip, version";

    public final String tokens;
    public final String changes;
    public final String changeSeq;
    public final String policy;

    public final String insert;
    public final String findByDigest;
    public final String findById;
    public final String update;
    public final String countActive;
    public final String updateIfActive;
    public final String countActiveService;
    public final String recordLastUse;
    public final String purge;
    public final String lockSequence;
    public final String setSequence;
    public final String insertChange;
    public final String changesSince;
    public final String latestSequence;
    public final String pruneChanges;
    public final String loadPolicy;
    public final String insertPolicy;
    public final String updatePolicy;

    public TokenSql(String prefix) {
        TablePrefix.check(prefix);
        tokens = prefix + "tokens";
        changes = prefix + "changes";
        changeSeq = prefix + "change_seq";
        policy = prefix + "policy";

        insert = "INSERT INTO " + tokens + " (" + COLUMNS + ", name_lower) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        findByDigest = "SELECT " + COLUMNS + " FROM " + tokens + " WHERE digest = ?";
        findById = "SELECT " + COLUMNS + " FROM " + tokens + " WHERE id = ?";
        update = "UPDATE " + tokens + " SET kind = ?, name = ?, name_lower = ?, owner = ?, created_by = ?, level = ?, "
                + "domain_levels = ?, resources = ?, allowed_cidrs = ?, digest_algorithm = ?, hint = ?, created_at = ?, "
                + "expires_at = ?, revoked_at = ?, revoked_by = ?, revoke_reason = ?, version = version + 1 "
                + "WHERE id = ? AND version = ?";
        updateIfActive = update + " AND revoked_at IS NULL";
        countActiveService = "SELECT COUNT(*) FROM " + tokens
                + " WHERE owner = ? AND kind = 'SERVICE' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)";
        countActive = "SELECT COUNT(*) FROM " + tokens
                + " WHERE owner = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)";
        recordLastUse = "UPDATE " + tokens + " SET last_used_at = ?, last_used_ip = ? "
                + "WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)";
        purge = "DELETE FROM " + tokens + " WHERE revoked_at < ? OR expires_at < ?";
        // Every change-writing transaction takes this row lock first, so sequence order is commit order: a poller
        // that has seen sequence n can never later miss an event below n that committed late.
        lockSequence = "SELECT last_seq FROM " + changeSeq + " WHERE id = 1 FOR UPDATE";
        setSequence = "UPDATE " + changeSeq + " SET last_seq = ? WHERE id = 1";
        insertChange = "INSERT INTO " + changes + " (seq, change_type, token_id, digest, changed_at) VALUES (?, ?, ?, ?, ?)";
        changesSince = "SELECT seq, change_type, token_id, digest, changed_at FROM " + changes
                + " WHERE seq > ? ORDER BY seq ASC LIMIT ?";
        latestSequence = "SELECT MAX(seq) FROM " + changes;
        pruneChanges = "DELETE FROM " + changes + " WHERE changed_at < ? AND seq < ?";
        loadPolicy = "SELECT settings, version FROM " + policy + " WHERE id = 1";
        insertPolicy = "INSERT INTO " + policy + " (id, settings, version) VALUES (1, ?, 1)";
        updatePolicy = "UPDATE " + policy + " SET settings = ?, version = version + 1 WHERE id = 1 AND version = ?";
    }

    /** The page query and the count query for a token-manager query, sharing one WHERE clause. */
    public record QueryStatements(BoundSql page, BoundSql count) {
    }

    public QueryStatements query(TokenQuery q) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        q.owner().ifPresent(o -> {
            where.add("owner = ?");
            params.add(o);
        });
        q.nameContains().filter(t -> !t.isEmpty()).ifPresent(t -> {
            where.add("name_lower LIKE ? ESCAPE '" + LIKE_ESCAPE + "'");
            params.add("%" + escapeLike(t.toLowerCase(Locale.ROOT)) + "%");
        });
        q.kind().ifPresent(k -> {
            where.add("kind = ?");
            params.add(k.name());
        });
        q.state().ifPresent(s -> {
            switch (s) {
                case ACTIVE -> {
                    where.add("revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)");
                    params.add(Jdbc.millis(q.asOf()));
                }
                case EXPIRED -> {
                    where.add("revoked_at IS NULL AND expires_at <= ?");
                    params.add(Jdbc.millis(q.asOf()));
                }
                case REVOKED -> where.add("revoked_at IS NOT NULL");
            }
        });
        q.createdAfter().ifPresent(t -> {
            where.add("created_at >= ?");
            params.add(Jdbc.millis(t));
        });
        q.createdBefore().ifPresent(t -> {
            where.add("created_at < ?");
            params.add(Jdbc.millis(t));
        });
        q.expiresBefore().ifPresent(t -> {
            where.add("expires_at < ?");
            params.add(Jdbc.millis(t));
        });
        q.lastUsedBefore().ifPresent(t -> {
            where.add("last_used_at < ?");
            params.add(Jdbc.millis(t));
        });
        if (q.neverUsed()) {
            where.add("last_used_at IS NULL");
        }

        String whereClause = where.isEmpty() ? "" : " WHERE (" + String.join(") AND (", where) + ")";
        String direction = q.descending() ? " DESC" : " ASC";
        String column = sortColumn(q.sort());
        // NULLs last in both directions, written out because the dialects disagree on their default placement
        String nullsLast = nullable(q.sort()) ? "CASE WHEN " + column + " IS NULL THEN 1 ELSE 0 END, " : "";
        String orderBy = " ORDER BY " + nullsLast + column + direction + ", id ASC";

        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(q.size());
        pageParams.add(q.offset());
        BoundSql page = new BoundSql("SELECT " + COLUMNS + " FROM " + tokens + whereClause + orderBy + " LIMIT ? OFFSET ?",
                pageParams);
        BoundSql count = new BoundSql("SELECT COUNT(*) FROM " + tokens + whereClause, params);
        return new QueryStatements(page, count);
    }

    /** The allowlist: sort keys map to fixed column names, never to caller text. */
    static String sortColumn(TokenSort sort) {
        return switch (sort) {
            case CREATED_AT -> "created_at";
            case EXPIRES_AT -> "expires_at";
            case LAST_USED_AT -> "last_used_at";
            case NAME -> "name";
            case OWNER -> "owner";
        };
    }

    private static boolean nullable(TokenSort sort) {
        return sort == TokenSort.EXPIRES_AT || sort == TokenSort.LAST_USED_AT;
    }

    /** Escapes the LIKE wildcards and the escape character itself, so every character matches literally. */
    static String escapeLike(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '_' || c == LIKE_ESCAPE) {
                sb.append(LIKE_ESCAPE);
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
