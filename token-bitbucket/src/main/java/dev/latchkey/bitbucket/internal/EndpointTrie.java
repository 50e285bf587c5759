package dev.latchkey.bitbucket.internal;

import dev.latchkey.spi.AccessLevel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
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
        final Map<String, Node> literal = new HashMap<>(); // while loading
        String[] words = new String[0];                      // after freeze(): literal children, compared in place
        long[] table = new long[0];                          // open addressing: signature of each word, by slot
        int[] slot = new int[0];                             // the word's index + 1 at that slot, 0 if empty
        Node[] next = new Node[0];
        Node variable;
        Map<Method, Rule> rules;     // endpoints ending here
        Map<Method, Rule> restRules; // a {name*} tail here

        void freeze() {
            words = literal.keySet().toArray(String[]::new);
            next = new Node[words.length];
            int size = Integer.highestOneBit(Math.max(4, words.length * 4 - 1)) << 1;
            table = new long[size];
            slot = new int[size];
            for (int i = 0; i < words.length; i++) {
                String w = words[i];
                long sig = signature(w.length(), w.charAt(0), w.charAt(w.length() - 1));
                int at = index(sig, size - 1);
                while (slot[at] != 0) {
                    at = (at + 1) & (size - 1);
                }
                table[at] = sig;
                slot[at] = i + 1;
                next[i] = literal.get(words[i]);
                next[i].freeze();
            }
            if (variable != null) {
                variable.freeze();
            }
        }

        /** The literal child named by {@code path[from, to)}, compared in the path without copying it. */
        Node child(String path, int from, int to) {
            long sig = signature(to - from, path.charAt(from), path.charAt(to - 1));
            int mask = table.length - 1;
            for (int at = index(sig, mask); slot[at] != 0; at = (at + 1) & mask) {
                if (table[at] == sig) {
                    int k = slot[at] - 1;
                    if (path.startsWith(words[k], from)) {
                        return next[k];
                    }
                }
            }
            return null;
        }

        private static int index(long sig, int mask) {
            long h = sig * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 40) & mask;
        }

        private static long signature(int length, char first, char last) {
            return ((long) length << 32) | ((long) first << 16) | last;
        }
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
        t.root.freeze();
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
     * The rule of the documented endpoint that {@code path[from..]} (the part after {@code /rest/}, segments
     * separated by '/', at most one trailing '/') matches for {@code method}, or null if it matches none.
     */
    public Rule match(Method method, String path, int from) {
        return walk(root, method, path, from);
    }

    private static Rule walk(Node node, Method method, String path, int from) {
        int n = path.length();
        if (from >= n) {
            Rule r = node.rules == null ? null : node.rules.get(method);
            if (r == null && node.restRules != null) {
                r = node.restRules.get(method);
            }
            return r;
        }
        int end = path.indexOf('/', from);
        if (end < 0) {
            end = n;
        }
        if (node.words.length > 0) {
            Node next = node.child(path, from, end);
            if (next != null) {
                Rule r = walk(next, method, path, end + 1);
                if (r != null) {
                    return r;
                }
            }
        }
        if (node.variable != null) {
            Rule r = walk(node.variable, method, path, end + 1);
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
            if (m.equals("GET")) {
                return GET;
            }
            if (m.equals("HEAD")) {
                return HEAD;
            }
            if (m.equals("OPTIONS")) {
                return OPTIONS;
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
}
