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
 * {@code METHOD <tab> /module/{version}/template <tab> LEVEL [<tab> system|project]}. In a template, {@code {name}}
 * matches one segment and {@code {name*}} the rest of the path (zero or more segments). Literal segments win
 * over variables; where a literal fits a segment but nothing below it matches, the variable is tried, and then a
 * {@code {name*}} tail above (see {@link #matchByBacktracking}, the definition).
 *
 * <p>The templates are first read into a segment trie, and that trie is then made deterministic: a {@link State}
 * stands for every trie node (and every {@code {name*}} tail) that the segments so far could have reached, in
 * the order the definition tries them. Matching is then one step per segment with no backtracking and no
 * recursion: look the segment up among the state's literal words (by length, first and last character, then
 * compared in place), else take the state's "any other segment" transition ({@link #match}). A caller that walks the path itself (the classifier,
 * to find the project and repository in the same pass) uses {@link #root()} and {@link State#next}. Immutable
 * and thread-safe after construction.
 */
public final class EndpointTrie {

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

    /**
     * A state of the deterministic matcher: where a path can be after the segments read so far. Immutable once
     * {@link #load} returns.
     */
    public static final class State {
        private final Rule[] atEnd = new Rule[Method.values().length];
        private int mask;
        private int shift;
        private int[] hashes;     // open addressing by segment hash; words[at] == null marks a free slot
        private String[] words;
        private State[] targets;
        private State other;      // any segment that is none of the words

        /**
         * The state after the segment {@code path[from, to)} (not empty); null if no documented endpoint starts this
         * way. Words are found by their length, first and last character, then compared in the path (no copies).
         */
        public State next(String path, int from, int to) {
            String[] w = words;
            if (w != null) {
                int len = to - from;
                int sig = signature(len, path.charAt(from), path.charAt(to - 1));
                for (int at = slot(sig); w[at] != null; at = (at + 1) & mask) {
                    if (hashes[at] == sig && w[at].length() == len && path.startsWith(w[at], from)) {
                        return targets[at];
                    }
                }
            }
            return other;
        }

        /** The rule for {@code method} of a path that ends in this state, or null. */
        public Rule atEnd(Method method) {
            return atEnd[method.ordinal()];
        }

        private void words(List<String> list, List<State> to) {
            if (list.isEmpty()) {
                return;
            }
            int size = Integer.highestOneBit(list.size() * 3) << 1;
            mask = size - 1;
            shift = 32 - Integer.numberOfTrailingZeros(size);
            hashes = new int[size];
            words = new String[size];
            targets = new State[size];
            for (int i = 0; i < list.size(); i++) {
                String word = list.get(i);
                int h = signature(word.length(), word.charAt(0), word.charAt(word.length() - 1));
                int at = slot(h);
                while (words[at] != null) {
                    at = (at + 1) & mask;
                }
                hashes[at] = h;
                words[at] = word;
                targets[at] = to.get(i);
            }
        }

        /** Fibonacci hashing: the high bits of the product, so near signatures land far apart. */
        private int slot(int sig) {
            return (sig * 0x9E3779B9) >>> shift;
        }
    }

    /** Length, first and last character of a segment: equal for equal segments, and cheap to take in place. */
    private static int signature(int length, char first, char last) {
        return (length << 16) ^ (first << 8) ^ last;
    }

    private final Node root = new Node();
    private State start;
    private int size;
    private int states;

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
        Map<List<Object>, State> memo = new HashMap<>();
        t.start = t.compile(List.of(t.root), memo);
        t.states = memo.size();
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

    /**
     * The state for {@code alternatives} (trie nodes and tails, in the order the definition tries them), made once
     * per distinct list. For a segment, each node contributes its literal child for that word, then its variable
     * child, then its own tail; a tail stays itself. Where the path ends, the first alternative with a rule for the
     * method decides (a node: an endpoint ending there, else its tail).
     */
    private State compile(List<Object> alternatives, Map<List<Object>, State> memo) {
        if (alternatives.isEmpty()) {
            return null;
        }
        State known = memo.get(alternatives);
        if (known != null) {
            return known;
        }
        State s = new State();
        memo.put(alternatives, s);
        for (Method m : Method.values()) {
            for (Object a : alternatives) {
                Rule r = a instanceof Node node ? ruleAtEnd(node, m) : ((Tail) a).node().restRules.get(m);
                if (r != null) {
                    s.atEnd[m.ordinal()] = r;
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
        List<String> list = new ArrayList<>(words);
        List<State> to = new ArrayList<>();
        for (String word : list) {
            to.add(compile(step(alternatives, word), memo));
        }
        s.words(list, to);
        s.other = compile(step(alternatives, null), memo);
        return s;
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

    /** How many (method, template) pairs the table holds. */
    public int size() {
        return size;
    }

    /** How many states the deterministic matcher has. */
    public int states() {
        return states;
    }

    /** The state before the first segment (the module). */
    public State root() {
        return start;
    }

    /**
     * The rule of the documented endpoint that {@code path[from..]} (the part after {@code /rest/}, segments
     * separated by '/', at most one trailing '/') matches for {@code method}, or null if it matches none.
     */
    public Rule match(Method method, String path, int from) {
        int n = path.length();
        State s = start;
        while (from < n && s != null) {
            int end = path.indexOf('/', from);
            if (end < 0) {
                end = n;
            }
            s = s.next(path, from, end);
            from = end + 1;
        }
        return s == null ? null : s.atEnd(method);
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
