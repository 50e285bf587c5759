package dev.latchkey.bitbucket.internal;

import dev.latchkey.spi.AccessLevel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Bitbucket's documented REST endpoints as a segment trie, compiled once from {@code endpoints.tsv}: each line is
 * {@code METHOD <tab> /module/{version}/template <tab> LEVEL [<tab> system]}. In a template, {@code {name}}
 * matches one segment and {@code {name*}} the rest of the path (zero or more segments). Literal segments win
 * over variables. Matching walks the request's segments once (with backtracking only where a literal and a
 * variable both fit) and allocates nothing. Immutable and thread-safe after construction.
 */
public final class EndpointTrie {

    /** What a documented endpoint needs: the level, and whether it is system administration. */
    public record Rule(AccessLevel level, boolean system) {
        public Rule {
            Objects.requireNonNull(level, "level");
        }
    }

    private static final class Node {
        final Map<String, Node> literal = new HashMap<>();
        Node variable;
        Map<Method, Rule> rules;     // endpoints ending here
        Map<Method, Rule> restRules; // a {name*} tail here
    }

    private final Node root = new Node();
    private int size;

    private EndpointTrie() {
    }

    /** The trie of the table shipped with this module. */
    public static EndpointTrie load() {
        try (InputStream in = EndpointTrie.class.getResourceAsStream("endpoints.tsv")) {
            if (in == null) {
                throw new IllegalStateException("endpoints.tsv is missing from token-bitbucket");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static EndpointTrie parse(BufferedReader reader) throws IOException {
        EndpointTrie t = new EndpointTrie();
        String line;
        int n = 0;
        while ((line = reader.readLine()) != null) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length < 3) {
                throw new IllegalStateException("endpoints.tsv line " + n + ": needs METHOD, template and level");
            }
            Method m = Method.valueOf(f[0].trim());
            AccessLevel level = AccessLevel.valueOf(f[2].trim());
            boolean system = f.length > 3 && f[3].trim().equals("system");
            t.add(m, f[1].trim(), new Rule(level, system), n);
        }
        return t;
    }

    private void add(Method m, String template, Rule rule, int line) {
        if (!template.startsWith("/")) {
            throw new IllegalStateException("endpoints.tsv line " + line + ": template must start with '/'");
        }
        Node node = root;
        String[] segs = template.substring(1).split("/");
        for (int i = 0; i < segs.length; i++) {
            String s = segs[i];
            if (s.startsWith("{") && s.endsWith("*}")) {
                if (i != segs.length - 1) {
                    throw new IllegalStateException("endpoints.tsv line " + line + ": {x*} must be last");
                }
                if (node.restRules == null) {
                    node.restRules = new EnumMap<>(Method.class);
                }
                put(node.restRules, m, rule, line);
                size++;
                return;
            }
            if (s.startsWith("{")) {
                if (node.variable == null) {
                    node.variable = new Node();
                }
                node = node.variable;
            } else {
                node = node.literal.computeIfAbsent(s, k -> new Node());
            }
        }
        if (node.rules == null) {
            node.rules = new EnumMap<>(Method.class);
        }
        put(node.rules, m, rule, line);
        size++;
    }

    private static void put(Map<Method, Rule> rules, Method m, Rule rule, int line) {
        Rule old = rules.put(m, rule);
        if (old != null && !old.equals(rule)) {
            throw new IllegalStateException("endpoints.tsv line " + line + ": " + m + " listed twice with different rules");
        }
    }

    /** How many (method, template) pairs the trie holds. */
    public int size() {
        return size;
    }

    /**
     * The rule of the documented endpoint that {@code segments} (a request path under {@code /rest/}) matches for
     * {@code method}, or null if it matches none.
     */
    public Rule match(Method method, Segments segments) {
        return walk(root, method, segments, 0);
    }

    private static Rule walk(Node node, Method method, Segments segs, int i) {
        if (i == segs.count()) {
            Rule r = node.rules == null ? null : node.rules.get(method);
            if (r == null && node.restRules != null) {
                r = node.restRules.get(method);
            }
            return r;
        }
        if (!node.literal.isEmpty()) {
            Node next = node.literal.get(segs.segment(i));
            if (next != null) {
                Rule r = walk(next, method, segs, i + 1);
                if (r != null) {
                    return r;
                }
            }
        }
        if (node.variable != null) {
            Rule r = walk(node.variable, method, segs, i + 1);
            if (r != null) {
                return r;
            }
        }
        return node.restRules == null ? null : node.restRules.get(method);
    }

    /** The HTTP methods the table knows; anything else is {@link #OTHER}. */
    public enum Method {
        GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH, OTHER;

        /**
         * {@code GET}, {@code HEAD} and {@code OPTIONS} only in their exact spelling (a host that treats
         * {@code get} as a read must not get a read rule for it); the others in any case, so {@code pOsT} and
         * {@code delete} meet the rules of POST and DELETE rather than escaping them.
         */
        public static Method of(String m) {
            switch (m) {
                case "GET":
                    return GET;
                case "HEAD":
                    return HEAD;
                case "OPTIONS":
                    return OPTIONS;
                default:
                    break;
            }
            if (m.equalsIgnoreCase("POST")) {
                return POST;
            }
            if (m.equalsIgnoreCase("PUT")) {
                return PUT;
            }
            if (m.equalsIgnoreCase("DELETE")) {
                return DELETE;
            }
            if (m.equalsIgnoreCase("PATCH")) {
                return PATCH;
            }
            return OTHER;
        }

        public boolean safe() {
            return this == GET || this == HEAD || this == OPTIONS;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** For tests: every template, for reference checks. */
    List<String> describe() {
        List<String> out = new ArrayList<>();
        describe(root, "", out);
        return out;
    }

    private static void describe(Node node, String prefix, List<String> out) {
        if (node.rules != null) {
            out.add(prefix);
        }
        node.literal.forEach((k, v) -> describe(v, prefix + "/" + k, out));
        if (node.variable != null) {
            describe(node.variable, prefix + "/{}", out);
        }
    }
}
