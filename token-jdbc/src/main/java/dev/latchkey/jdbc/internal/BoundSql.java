package dev.latchkey.jdbc.internal;

import java.util.List;

/**
 * SQL text with its parameters in order. The text contains only fixed fragments and validated identifiers;
 * every value is a parameter.
 *
 * @param sql    statement text with {@code ?} placeholders
 * @param params values for the placeholders (see {@link Jdbc#bind})
 */
public record BoundSql(String sql, List<Object> params) {
    public BoundSql {
        params = List.copyOf(params);
    }
}
