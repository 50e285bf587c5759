package dev.latchkey.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Typed, strict access to a JSON request object: unknown fields and wrong types are 400 naming the field. */
final class JsonBody {
    private final ObjectNode node;

    JsonBody(ObjectNode node, Set<String> allowed) {
        this.node = node;
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!allowed.contains(n)) {
                throw ApiException.invalid(n, "unknown field; accepted fields are " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    Iterator<String> fieldNames() {
        return node.fieldNames();
    }

    JsonNode raw(String field) {
        return node.get(field);
    }

    Optional<String> text(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ApiException.invalid(field, "must be a string");
        }
        return Optional.of(v.textValue());
    }

    String requiredText(String field) {
        return text(field).orElseThrow(() -> ApiException.invalid(field, "is required"));
    }

    Optional<Boolean> bool(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            throw ApiException.invalid(field, "must be true or false");
        }
        return Optional.of(v.booleanValue());
    }

    Optional<Long> integer(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.invalid(field, "must be a whole number");
        }
        return Optional.of(v.longValue());
    }

    Optional<Instant> instant(String field) {
        return text(field).map(t -> Params.instant(field, t));
    }

    Optional<List<String>> strings(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isArray()) {
            throw ApiException.invalid(field, "must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw ApiException.invalid(field, "must be an array of strings");
            }
            out.add(e.textValue());
        }
        return Optional.of(out);
    }
}
