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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Bitbucket's documented REST endpoints, compiled once from {@code endpoints.tsv}: each line is
 * {@code METHOD <tab> /module/{v}/template <tab> LEVEL [<tab> system|project]}. A second segment {@code {v}} is one of
 * the {@link #VERSIONS} (literal words, so no caller has to check the version); elsewhere in a template, {@code {name}}
 * matches one segment and {@code {name*}} the rest of the path (zero or more segments). Literal segments win over
 * variables; where a literal fits a segment but nothing below it matches, the variable is tried, and then a
 * {@code {name*}} tail above (see {@link #matchByBacktracking}, the definition).
 *
 * <p>The templates are first read into a segment trie, and that trie is then made deterministic: a state (an
 * {@code int}) stands for every trie node (and every {@code {name*}} tail) that the segments so far could have
 * reached, in the order the definition tries them. Matching is then one step per segment with no backtracking,
 * no recursion and no allocation. A segment is looked up by its <em>packed word</em>: its characters, each in one
 * byte, shifted into a {@code long} as they are read ({@code word = word << 8 | c}, so the last eight characters
 * remain), together with its length and the state, in one open-addressing table of all the states' literal
 * transitions. Words of up to eight (ASCII) characters are identified by that key alone; longer ones are then
 * compared in place. A segment that is none of the state's words takes the state's "any other segment"
 * transition. A caller that walks the path itself (the classifier, which checks the path's form and finds the
 * project and repository in the same pass) packs the words as it reads them and calls {@link #next} and
 * {@link #atEnd}; {@link #match} does the same over a given path. Immutable and thread-safe after
 * construction.
 */
public final class EndpointTrie {
    /** The state after a path that no documented endpoint starts with. */
    public static final int NONE = -1;

    /** In a table entry: the word is longer than 8 characters, so the packed form is compared and then the word. */
    private static final int LONG_WORD = 1 << 31;

    private static final int METHODS = Method.values().length;

    /** The API versions that {@code {v}} in a template stands for. */
    public static final List<String> VERSIONS = List.of("1.0", "latest", "2.0");

    /**
     * What a documented endpoint needs: the level, whether it is system administration, and whether it is asked
     * of the project even where the path names a repository (Atlassian documents {@code PROJECT_ADMIN} there).
     */
    public record Rule(AccessLevel level, boolean system, boolean project) {
        public Rule {
            Objects.requireNonNull(level, "level");
        }
    }

    /** A node of the segment trie that the table is read into (construction only, and the reference matcher). */
    private static final class Node {
        final Map<String, Node> literal = new LinkedHashMap<>();
        Node variable;
        Map<Method, Rule> rules;     // endpoints ending here
        Map<Method, Rule> restRules; // a {name*} tail here
    }

    /** A {@code {name*}} tail of a node that stays in play below it: it matches whatever follows. */
    private record Tail(Node node) {
    }

    /** A literal transition while compiling: from a state, on a word, to a state. */
    private record Edge(int from, String word, int to) {
    }

    private final Node root = new Node();
    private int size;

    // the deterministic matcher: states are 0..states-1, NONE is "no documented endpoint"
    private int start = NONE;
    private int states;
    private int[] other;      // per state: (the state after a segment that is none of its words) << 1 | has words
    private Rule[] atEnd;     // state * METHODS + method: the rule of a path that ends in the state
    private int maxWord;      // the longest literal word
    private int shift;        // 64 - log2(slots)
    private int mask;         // 2 * slots - 1
    private long[] table;     // per slot, two longs: the packed word; (long) meta << 32 | long-word flag | target
    private String[] longWords; // per slot: the word where it is longer than 8 characters (compared in place)

    private EndpointTrie() {
    }

    /** The endpoints of the table shipped with this module. */
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
            String flag = f.length > 3 ? f[3].trim() : "";
            if (!flag.isEmpty() && !flag.equals("system") && !flag.equals("project")) {
                throw new IllegalStateException("endpoints.tsv line " + n + ": the fourth column is system or project, not "
                        + flag);
            }
            t.add(m, f[1].trim(), new Rule(level, flag.equals("system"), flag.equals("project")), n);
        }
        List<Rule[]> ends = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        t.start = t.compile(List.of(t.root), new HashMap<>(), ends, others, edges);
        t.flatten(ends, others, edges);
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
            if (i == 1 && s.equals("{v}")) {
                node = versions(node);
                continue;
            }
            if (s.startsWith("{")) {
                if (node.variable == null) {
                    node.variable = new Node();
                }
                node = node.variable;
            } else {
                if (s.isEmpty() || s.length() > 255 || !s.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                    throw new IllegalStateException("endpoints.tsv line " + line + ": a literal segment is 1-255 "
                            + "printable ASCII characters");
                }
                node = node.literal.computeIfAbsent(s, k -> new Node());
            }
        }
        if (node.rules == null) {
            node.rules = new EnumMap<>(Method.class);
        }
        put(node.rules, m, rule, line);
        size++;
    }

    /**
     * The node below {@code module} for its versions: {@code {v}} is the literal words {@link #VERSIONS}, all three
     * leading to one node (so a path with another version matches nothing, and no caller needs to check it).
     */
    private static Node versions(Node module) {
        Node v = module.literal.get(VERSIONS.get(0));
        if (v == null) {
            v = new Node();
            for (String version : VERSIONS) {
                module.literal.put(version, v);
            }
        }
        return v;
    }

    private static void put(Map<Method, Rule> rules, Method m, Rule rule, int line) {
        Rule old = rules.put(m, rule);
        if (old != null && !old.equals(rule)) {
            throw new IllegalStateException("endpoints.tsv line " + line + ": " + m + " listed twice with different rules");
        }
    }

    /**
     * The state for {@code alternatives} (trie nodes and tails, in the order the definition tries them), made once
     * per distinct list. For a segment, each node contributes its literal child for that word, then its variable
     * child, then its own tail; a tail stays itself. Where the path ends, the first alternative with a rule for the
     * method decides (a node: an endpoint ending there, else its tail).
     */
    private int compile(List<Object> alternatives, Map<List<Object>, Integer> memo, List<Rule[]> ends,
                        List<Integer> others, List<Edge> edges) {
        if (alternatives.isEmpty()) {
            return NONE;
        }
        Integer known = memo.get(alternatives);
        if (known != null) {
            return known;
        }
        int s = ends.size();
        memo.put(alternatives, s);
        Rule[] end = new Rule[METHODS];
        ends.add(end);
        others.add(NONE);
        for (Method m : Method.values()) {
            for (Object a : alternatives) {
                Rule r = a instanceof Node node ? ruleAtEnd(node, m) : ((Tail) a).node().restRules.get(m);
                if (r != null) {
                    end[m.ordinal()] = r;
                    break;
                }
            }
        }
        Set<String> words = new LinkedHashSet<>();
        for (Object a : alternatives) {
            if (a instanceof Node node) {
                words.addAll(node.literal.keySet());
            }
        }
        for (String word : words) {
            int to = compile(step(alternatives, word), memo, ends, others, edges);
            edges.add(new Edge(s, word, to));
        }
        others.set(s, compile(step(alternatives, null), memo, ends, others, edges));
        return s;
    }

    /** The compiled states as flat arrays, and every literal transition in one table keyed by state and word. */
    private void flatten(List<Rule[]> ends, List<Integer> others, List<Edge> edges) {
        states = ends.size();
        if (states >= 1 << 23) {
            throw new IllegalStateException("too many states: " + states);
        }
        other = new int[states];
        atEnd = new Rule[states * METHODS];
        for (int s = 0; s < states; s++) {
            other[s] = others.get(s) << 1;
            System.arraycopy(ends.get(s), 0, atEnd, s * METHODS, METHODS);
        }
        int slots = Integer.highestOneBit(Math.max(2, edges.size()) * 2) << 1; // at most a quarter full
        mask = 2 * slots - 1;
        shift = 64 - Integer.numberOfTrailingZeros(slots);
        table = new long[2 * slots];
        longWords = new String[slots];
        for (Edge e : edges) {
            String word = e.word();
            maxWord = Math.max(maxWord, word.length());
            long packed = 0;
            for (int i = 0; i < word.length(); i++) {
                packed = pack(packed, word.charAt(i));
            }
            int meta = meta(e.from(), word.length());
            int at = slot(packed, meta);
            while (table[at + 1] != 0) {
                at = (at + 2) & mask;
            }
            table[at] = packed;
            int low = (word.length() > 8 ? LONG_WORD : 0) | e.to();
            table[at + 1] = (long) meta << 32 | (low & 0xFFFF_FFFFL);
            longWords[at >> 1] = word.length() > 8 ? word : null;
            other[e.from()] |= 1;
        }
    }

    private static Rule ruleAtEnd(Node node, Method m) {
        Rule r = node.rules == null ? null : node.rules.get(m);
        if (r == null && node.restRules != null) {
            r = node.restRules.get(m);
        }
        return r;
    }

    /** The alternatives after a segment that is {@code word} (null: a segment that is no literal word here). */
    private static List<Object> step(List<Object> alternatives, String word) {
        LinkedHashSet<Object> next = new LinkedHashSet<>(); // a repeated alternative adds nothing: drop it
        for (Object a : alternatives) {
            if (a instanceof Node node) {
                Node literal = word == null ? null : node.literal.get(word);
                if (literal != null) {
                    next.add(literal);
                }
                if (node.variable != null) {
                    next.add(node.variable);
                }
                if (node.restRules != null) {
                    next.add(new Tail(node));
                }
            } else {
                next.add(a);
            }
        }
        return List.copyOf(next);
    }

    // ------------------------------------------------------------------ matching

    /** {@code word} with the character {@code c} appended: the packed form of a segment, read left to right. */
    public static long pack(long word, char c) {
        return word << 8 | c;
    }

    /** A state and a word length (1-255) as one non-zero int. */
    private static int meta(int state, int length) {
        return state << 8 | length;
    }

    /** The first of the two longs of the slot where the search for (word, meta) starts. */
    private int slot(long packed, int meta) {
        return (int) (((packed ^ (meta * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L) >>> shift) << 1;
    }

    /** The state before the first segment (the module). */
    public int root() {
        return start;
    }

    /**
     * The state after the segment {@code path[from, from + length)} (not empty) in {@code state} (not
     * {@link #NONE}), or {@link #NONE}. {@code word} is the segment packed with {@link #pack}, and {@code ascii}
     * whether every character of it is below 0x80 (else it is no literal word). A state without literal words
     * answers at once; otherwise one probe of the table usually decides.
     */
    public int next(int state, long word, int length, boolean ascii, String path, int from) {
        int o = other[state];
        if ((o & 1) == 0 || !ascii || length > maxWord) {
            return o >> 1;
        }
        int meta = meta(state, length);
        long[] t = table;
        int m = mask;
        for (int at = slot(word, meta); ; at = (at + 2) & m) {
            long entry = t[at + 1];
            if ((int) (entry >>> 32) == meta && t[at] == word) {
                int target = (int) entry;
                if (target >= 0 || path.startsWith(longWords[at >> 1], from)) {
                    return target & ~LONG_WORD;
                }
            } else if (entry == 0) {
                return o >> 1;
            }
        }
    }

    /** The rule for {@code method} of a path that ends in {@code state} (not {@link #NONE}), or null. */
    public Rule atEnd(int state, Method method) {
        return atEnd[state * METHODS + method.ordinal()];
    }

    /** How many (method, template) pairs the table holds. */
    public int size() {
        return size;
    }

    /** How many states the deterministic matcher has. */
    public int states() {
        return states;
    }

    /**
     * The rule of the documented endpoint that {@code path[from..]} (the part after {@code /rest/}, segments
     * separated by '/', at most one trailing '/') matches for {@code method}, or null if it matches none.
     */
    public Rule match(Method method, String path, int from) {
        int n = path.length();
        int s = start;
        while (from < n && s != NONE) {
            long word = 0;
            int bits = 0;
            int i = from;
            for (; i < n; i++) {
                char c = path.charAt(i);
                if (c == '/') {
                    break;
                }
                word = pack(word, c);
                bits |= c;
            }
            int length = i - from;
            s = length == 0 ? other[s] >> 1 : next(s, word, length, bits < 0x80, path, from);
            from = i + 1;
        }
        return s == NONE ? null : atEnd(s, method);
    }

    /**
     * The definition of what {@link #match} answers, as a depth-first walk of the segment trie: a literal child
     * first, then the variable child, then a {@code {name*}} tail here. Slow (it backtracks and copies segments);
     * tests compare the deterministic matcher with it.
     */
    Rule matchByBacktracking(Method method, String path, int from) {
        return walk(root, method, path, from);
    }

    private static Rule walk(Node node, Method method, String path, int from) {
        int n = path.length();
        if (from >= n) {
            return ruleAtEnd(node, method);
        }
        int end = path.indexOf('/', from);
        if (end < 0) {
            end = n;
        }
        Node next = node.literal.get(path.substring(from, end));
        if (next != null) {
            Rule r = walk(next, method, path, end + 1);
            if (r != null) {
                return r;
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
