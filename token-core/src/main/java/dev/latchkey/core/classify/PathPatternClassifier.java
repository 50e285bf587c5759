package dev.latchkey.core.classify;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.spi.AccessLevel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import dev.latchkey.spi.internal.SetOnce;

/**
 * A classifier for any HTTP API, configured with path patterns, so service tokens and resource-limited tokens work
 * on a host that is not Bitbucket:
 *
 * <pre>{@code
 * PathPatternClassifier.builder()
 *         .route("/api/repos/{repo}/settings/**", AccessLevel.ADMIN, AccessLevel.ADMIN)
 *         .route("/api/repos/{repo}/**")          // GET, HEAD, OPTIONS: READ; other methods: WRITE
 *         .build();
 * }</pre>
 *
 * <p>A pattern is absolute; each segment is a literal, {@code {name}} (one segment, captured), {@code *} (one
 * segment) or, only last, {@code **} (any number of segments, also none). A request matching a pattern with
 * variables needs its level on the resource made of the captured segments joined by {@code /}
 * ({@code /api/projects/{project}/repos/{repo}} names {@code PROJ/repo}) in the domain named by the last variable
 * ({@code repo}); a pattern without variables names no resource. The first matching pattern, in the order given,
 * decides; a path no pattern matches goes to the fallback ({@link GitAwareMethodClassifier} unless set), which names
 * no resource, so a resource-limited or service token is refused there. One trailing {@code /} of the path is
 * ignored; paths that are not normalised are refused ({@link PathCheck#requireNormalised}). Immutable and
 * thread-safe; matching allocates only the resource name.
 *
 * @since 0.1
 */
public final class PathPatternClassifier implements RequestClassifier {
    private static final Pattern VARIABLE = Pattern.compile("\\{[a-z][A-Za-z0-9_-]{0,63}}");
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~!$&'()+,=:@-]+");
    private static final String ANY = "*";
    private static final String REST = "**";

    private final List<Route> routes;
    private final RequestClassifier fallback;

    private PathPatternClassifier(List<Route> routes, RequestClassifier fallback) {
        this.routes = List.copyOf(routes);
        this.fallback = fallback;
    }

    /**
     * A builder; add routes in the order they should be tried.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Requirement classify(RequestFacts request) {
        String path = request.path();
        PathCheck.requireNormalised(path);
        int end = path.length() > 1 && path.charAt(path.length() - 1) == '/' ? path.length() - 1 : path.length();
        for (Route r : routes) {
            int[] bounds = r.match(path, end);
            if (bounds != null) {
                AccessLevel level = r.levelFor(request.method());
                if (r.domain == null) {
                    return Requirement.of(level);
                }
                StringBuilder resource = new StringBuilder(32);
                for (int i = 0; i < bounds.length; i += 2) {
                    if (i > 0) {
                        resource.append('/');
                    }
                    resource.append(path, bounds[i], bounds[i + 1]);
                }
                return Requirement.on(level, r.domain, resource.toString());
            }
        }
        return fallback.classify(request);
    }

    @Override
    public boolean needsBody(String method, String path) {
        return fallback.needsBody(method, path);
    }

    @Override
    public String toString() {
        List<String> patterns = new ArrayList<>(routes.size());
        for (Route r : routes) {
            patterns.add(r.pattern);
        }
        return "PathPatternClassifier" + patterns + ", otherwise " + fallback.getClass().getSimpleName();
    }

    /** One pattern and its levels. */
    private static final class Route {
        final String pattern;
        final String[] segments; // literal, "*", "**" or "{name}"
        final String domain; // the last variable's name, or null
        final int variables;
        final Map<String, AccessLevel> byMethod; // null: safe methods READ, others WRITE
        final AccessLevel otherMethods;

        Route(String pattern, Map<String, AccessLevel> byMethod, AccessLevel otherMethods) {
            this.pattern = pattern;
            this.segments = parse(pattern);
            String last = null;
            int n = 0;
            for (String s : segments) {
                if (s.charAt(0) == '{') {
                    last = s.substring(1, s.length() - 1);
                    n++;
                }
            }
            this.domain = last;
            this.variables = n;
            this.byMethod = byMethod;
            this.otherMethods = otherMethods;
        }

        AccessLevel levelFor(String method) {
            if (byMethod == null) {
                return GitAwareMethodClassifier.safe(method) ? AccessLevel.READ : AccessLevel.WRITE;
            }
            AccessLevel l = byMethod.get(method);
            return l != null ? l : otherMethods;
        }

        /** The [start, end) of each captured segment if {@code path[0, end)} matches, else null. */
        int[] match(String path, int end) {
            int[] bounds = new int[variables * 2];
            int v = 0;
            int at = 1; // after the leading '/'
            for (int i = 0; i < segments.length; i++) {
                String seg = segments[i];
                if (seg.equals(REST)) {
                    return bounds; // the last segment (checked when parsed): anything, also nothing
                }
                if (at > end) {
                    return null; // the path has fewer segments
                }
                int slash = path.indexOf('/', at);
                int segEnd = slash < 0 || slash > end ? end : slash;
                if (segEnd == at) {
                    return null; // an empty segment: only the path "/" has one (normalised paths have no "//")
                }
                if (seg.charAt(0) == '{') {
                    bounds[v++] = at;
                    bounds[v++] = segEnd;
                } else if (!seg.equals(ANY) && !(segEnd - at == seg.length() && path.startsWith(seg, at))) {
                    return null;
                }
                at = segEnd + 1;
            }
            return at > end ? bounds : null; // every path segment consumed
        }

        private static String[] parse(String pattern) {
            Objects.requireNonNull(pattern, "pattern");
            if (!pattern.startsWith("/") || pattern.length() < 2 || pattern.endsWith("/")) {
                throw new IllegalArgumentException("path pattern '" + pattern + "' must start with '/', name at "
                        + "least one segment and not end with '/'");
            }
            String[] segs = pattern.substring(1).split("/", -1);
            Set<String> names = new HashSet<>();
            for (int i = 0; i < segs.length; i++) {
                String s = segs[i];
                if (s.equals(REST)) {
                    if (i != segs.length - 1) {
                        throw new IllegalArgumentException("path pattern '" + pattern + "': '**' may only be the "
                                + "last segment");
                    }
                } else if (VARIABLE.matcher(s).matches()) {
                    if (!names.add(s)) {
                        throw new IllegalArgumentException("path pattern '" + pattern + "' names " + s + " twice");
                    }
                } else if (!s.equals(ANY) && !(LITERAL.matcher(s).matches() && !s.equals(".") && !s.equals(".."))) {
                    throw new IllegalArgumentException("path pattern '" + pattern + "': segment '" + s + "' is not "
                            + "a literal, {name} (a lower-case letter, then letters, digits, '_' or '-'), '*' or '**'");
                }
            }
            return segs;
        }
    }

    /** Configures a {@link PathPatternClassifier}. Not thread-safe. */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();
        private final Set<String> patterns = new HashSet<>();
        private RequestClassifier fallback;

        private Builder() {
        }

        /**
         * A route whose safe methods ({@code GET}, {@code HEAD}, {@code OPTIONS}, spelled exactly so) need READ and
         * every other method WRITE.
         *
         * @param pattern the path pattern (see the class description)
         * @return this builder
         * @throws IllegalArgumentException if the pattern is malformed or was already added
         */
        public Builder route(String pattern) {
            return add(new Route(pattern, null, null));
        }

        /**
         * A route with its own levels: {@code safeMethods} for {@code GET}, {@code HEAD} and {@code OPTIONS},
         * {@code otherMethods} for the rest.
         *
         * @param pattern      the path pattern (see the class description)
         * @param safeMethods  the level {@code GET}, {@code HEAD} and {@code OPTIONS} need
         * @param otherMethods the level every other method needs
         * @return this builder
         * @throws IllegalArgumentException if the pattern is malformed or was already added
         */
        public Builder route(String pattern, AccessLevel safeMethods, AccessLevel otherMethods) {
            Objects.requireNonNull(safeMethods, "safeMethods");
            Objects.requireNonNull(otherMethods, "otherMethods");
            return route(pattern, Map.of("GET", safeMethods, "HEAD", safeMethods, "OPTIONS", safeMethods),
                    otherMethods);
        }

        /**
         * A route with a level per method; a method not named (compared exactly, so {@code get} is not
         * {@code GET}) needs {@code otherMethods}.
         *
         * @param pattern      the path pattern (see the class description)
         * @param byMethod     levels by upper-case method name
         * @param otherMethods the level every method not in {@code byMethod} needs
         * @return this builder
         * @throws IllegalArgumentException if the pattern is malformed or was already added, or a method is not
         *                                  an upper-case name
         */
        public Builder route(String pattern, Map<String, AccessLevel> byMethod, AccessLevel otherMethods) {
            Objects.requireNonNull(otherMethods, "otherMethods");
            for (Map.Entry<String, AccessLevel> e : byMethod.entrySet()) {
                Objects.requireNonNull(e.getValue(), "level of " + e.getKey());
                if (!e.getKey().matches("[A-Z]{1,16}")) {
                    throw new IllegalArgumentException("method '" + e.getKey() + "' of path pattern '" + pattern
                            + "' must be an upper-case name such as " + e.getKey().toUpperCase(Locale.ROOT));
                }
            }
            return add(new Route(pattern, Map.copyOf(byMethod), otherMethods));
        }

        private Builder add(Route r) {
            if (!patterns.add(r.pattern)) {
                throw new IllegalArgumentException("path pattern '" + r.pattern + "' was already added");
            }
            routes.add(r);
            return this;
        }

        /**
         * The classifier for paths no pattern matches. Default: {@link GitAwareMethodClassifier}.
         *
         * @param classifier the fallback
         * @return this builder
         * @throws IllegalStateException if already set
         */
        public Builder otherwise(RequestClassifier classifier) {
            SetOnce.check(fallback, "otherwise");
            this.fallback = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        /**
         * Builds the classifier.
         *
         * @return an immutable, thread-safe classifier
         * @throws IllegalStateException if no route was added
         */
        public PathPatternClassifier build() {
            if (routes.isEmpty()) {
                throw new IllegalStateException("no route was added; a PathPatternClassifier without routes is "
                        + "the fallback alone (use it directly)");
            }
            return new PathPatternClassifier(routes, fallback != null ? fallback : new GitAwareMethodClassifier());
        }
    }
}
