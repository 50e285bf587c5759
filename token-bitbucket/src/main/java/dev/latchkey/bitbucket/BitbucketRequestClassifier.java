package dev.latchkey.bitbucket;

import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.bitbucket.internal.EndpointTrie;
import dev.latchkey.bitbucket.internal.EndpointTrie.Method;
import dev.latchkey.bitbucket.internal.EndpointTrie.Rule;
import dev.latchkey.bitbucket.internal.LfsBatch;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.ValidationException;
import dev.latchkey.core.classify.GitAwareMethodClassifier;
import dev.latchkey.core.classify.GitQuery;
import dev.latchkey.core.classify.PathCheck;
import dev.latchkey.core.classify.RequestClassifier;
import dev.latchkey.core.classify.Requirement;
import dev.latchkey.core.classify.UnclassifiableRequestException;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.Scope;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Classifies Bitbucket Data Center requests:
 * <ul>
 *   <li>{@code /rest/{module}/{1.0|latest|2.0}/...}: Bitbucket's documented REST endpoints (the core API and its
 *       other modules: branch permissions, keys, SSH, access tokens, default reviewers, build status, required
 *       builds, insights, search, mirroring, git, branch utils, Jira, audit, sync, ...) each need at least what
 *       Atlassian's REST reference says the user needs: {@code REPO_READ}/{@code PROJECT_READ} = READ,
 *       {@code REPO_WRITE}/{@code PROJECT_WRITE} = WRITE, {@code REPO_ADMIN}/{@code PROJECT_ADMIN} = ADMIN, on
 *       domain {@code repository} (resource {@code KEY/slug}) or {@code project} (resource {@code KEY});
 *       system administration needs ADMIN in domain {@code system}, which only a scope that names
 *       {@code system} explicitly can grant;</li>
 *   <li>a request under {@code /rest/} that matches no documented endpoint: a non-safe method needs ADMIN (on the
 *       repository or project in its path, else explicit {@code system}) — never "WRITE by method"; a
 *       {@code GET}/{@code HEAD}/{@code OPTIONS} needs READ on the repository or project in its path, or READ
 *       on no resource (so resource-limited tokens are refused), or explicit {@code system} ADMIN under the
 *       administration API;</li>
 *   <li>{@code /scm/{KEY}/{slug}[.git]/...} (and personal {@code /scm/~user/...}): git smart HTTP and Git LFS on
 *       repository {@code KEY/slug}: fetch (ref advertisement for {@code git-upload-pack},
 *       {@code POST git-upload-pack}) and LFS downloads need READ, push and LFS uploads and locks WRITE, anything
 *       else non-safe ADMIN; the {@code service} parameter is read as the container decodes it, and given twice
 *       it is refused;</li>
 *   <li>anything else: by method (and git smart HTTP), no resource.</li>
 * </ul>
 * Methods: only {@code GET}, {@code HEAD} and {@code OPTIONS} spelled exactly so are safe; {@code pOsT} meets
 * POST's rules; an unknown method is non-safe. Project keys are upper-cased and repository slugs lower-cased,
 * as Bitbucket treats them. Scopes may set levels for the domains {@code project}, {@code repository} and
 * {@code system}; the repository level must be at least the project level. Thread-safe; no regular expressions
 * (it runs on every request).
 */
public final class BitbucketRequestClassifier implements RequestClassifier {
    /**
     * The domain of project-level grants; its resources are project keys ({@code KEY}).
     */
    public static final String PROJECT = "project";
    /**
     * The domain of repository-level grants; its resources are {@code KEY/slug}.
     */
    public static final String REPOSITORY = "repository";
    /** System administration: granted only by a scope that names this domain explicitly. */
    public static final String SYSTEM = "system";

    private static final String SCM = "/scm/";
    private static final String REST = "/rest/";
    private static final String LFS_BATCH = "/info/lfs/objects/batch";

    // packed segments (EndpointTrie.pack) the context is recognised by: one comparison each
    private static final long DOT_DOT = packed("..");
    private static final long PROJECTS = packed("projects");
    private static final long USERS = packed("users");
    private static final long REPOS = packed("repos");

    // classes of ASCII characters in a REST path (a character from 0x80 up is NON_ASCII): what PathCheck refuses
    // (AMBIGUOUS), the separator, and what a project key (PathCheck.isKey) or repository slug (isSlug) may not hold
    private static final int SLASH = 1;
    private static final int AMBIGUOUS = 2;
    private static final int NOT_KEY = 4;
    private static final int NOT_SLUG = 8;
    private static final int TILDE = 16;
    private static final int HIGH = 32;
    private static final int NON_ASCII = HIGH | NOT_KEY | NOT_SLUG;
    private static final byte[] CLASSES = new byte[0x80];

    static {
        for (char c = 0; c < 0x80; c++) {
            boolean keyChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-';
            int k = keyChar ? 0 : c == '.' ? NOT_KEY : NOT_KEY | NOT_SLUG;
            if (c == '/') {
                k |= SLASH;
            } else if (c < 0x20 || c == 0x7f || c == ';' || c == '\\' || c == '%') {
                k |= AMBIGUOUS;
            } else if (c == '~') {
                k |= TILDE;
            }
            CLASSES[c] = (byte) k;
        }
    }

    // answers without a resource, and the domains, made once (Requirement and Optional are immutable)
    private static final Requirement[] ANY = new Requirement[AccessLevel.values().length];
    private static final Requirement SYSTEM_ADMIN = Requirement.explicit(AccessLevel.ADMIN, SYSTEM);
    private static final Optional<String> IN_PROJECT = Optional.of(PROJECT);
    private static final Optional<String> IN_REPOSITORY = Optional.of(REPOSITORY);

    static {
        for (AccessLevel level : AccessLevel.values()) {
            ANY[level.ordinal()] = Requirement.of(level);
        }
    }

    private final EndpointTrie endpoints = EndpointTrie.load();

    /**
     * How many documented (method, endpoint) pairs this classifier knows.
     *
     * @return the number of documented endpoint and method pairs
     */
    public int knownEndpoints() {
        return endpoints.size();
    }

    @Override
    public boolean needsBody(String method, String path) {
        return path.startsWith(SCM) && path.endsWith(LFS_BATCH) && method.equalsIgnoreCase("POST");
    }

    @Override
    public Requirement classify(RequestFacts request) {
        String path = request.path();
        if (path.startsWith(REST)) {
            return rest(Method.of(request.method()), path); // checks that the path is normalised in its one pass
        }
        PathCheck.requireNormalised(path);
        if (path.startsWith(SCM)) {
            return scm(Method.of(request.method()), path, request);
        }
        if (path.startsWith(REST) || path.equals("/rest")) {
            return rest(Method.of(request.method()), path);
        }
        return ANY[GitAwareMethodClassifier.levelFor(request.method(), path, request.query()).ordinal()];
    }

    // ------------------------------------------------------------------ REST

    private Requirement rest(Method method, String path) {
        // One pass over the path after "/rest/": it checks what PathCheck.requireNormalised checks (same order, same
        // errors), packs each segment into a long as it reads it (EndpointTrie.pack) and steps the endpoint matcher
        // at its end while there is a state, and remembers segments 1-6 ({module}/{version}/projects|users/{KEY}/
        // repos/{slug}) for the context. No allocation until the answer.
        EndpointTrie trie = endpoints;
        byte[] classes = CLASSES;
        int n = path.length();
        int state = trie.root();
        int s1 = -1, e1 = -1, s3 = -1, e3 = -1, s4 = -1, e4 = -1, s6 = -1, e6 = -1;
        int k4 = 0, k6 = 0;          // the classes seen in segments 4 and 6
        long w3 = 0, w5 = 0; // packed segments 3 and 5 (0: absent, not ASCII or over 8 characters)
        int seg = 0;
        int from = REST.length();
        while (true) {
            long word = 0;
            int kinds = 0;
            int i = from;
            for (; i < n; i++) {
                char c = path.charAt(i);
                int k = c < 0x80 ? classes[c] : NON_ASCII;
                if ((k & (SLASH | AMBIGUOUS)) != 0) {
                    if (c == '/') {
                        break;
                    }
                    throw ambiguous(c);
                }
                word = EndpointTrie.pack(word, c);
                kinds |= k;
            }
            int len = i - from;
            if (len == 0) {
                if (i < n) {
                    throw new UnclassifiableRequestException("the path is not normalised");
                }
                break; // "/rest/" or a trailing '/'
            }
            boolean ascii = (kinds & HIGH) == 0;
            if (ascii && ((len == 1 && word == '.') || (len == 2 && word == DOT_DOT))) {
                throw new UnclassifiableRequestException("the path is not normalised");
            }
            long exact = ascii && len <= 8 ? word : 0; // the whole segment, or 0
            switch (++seg) {
                case 1 -> { s1 = from; e1 = i; }
                case 3 -> { s3 = from; e3 = i; w3 = exact; }
                case 4 -> { s4 = from; e4 = i; k4 = kinds; }
                case 5 -> w5 = exact;
                case 6 -> { s6 = from; e6 = i; k6 = kinds; }
                default -> { }
            }
            if (state != EndpointTrie.NONE) {
                state = trie.next(state, word, len, ascii, path, from);
            }
            if (i == n) {
                break;
            }
            from = i + 1;
        }
        String resource = null;
        boolean repository = false;
        // where the path names a project or repository, the requirement is on it
        if (s4 >= 0 && w3 == PROJECTS) {
            requireKey(path, s4, e4, k4, "not a project key");
            if (s6 >= 0 && w5 == REPOS) {
                requireSlug(e6 - s6, k6);
                resource = resource(path, false, s4, e4, s6, e6);
                repository = true;
            } else {
                resource = upper(path, s4, e4);
            }
        } else if (s6 >= 0 && w3 == USERS && w5 == REPOS) {
            // personal repositories: /users/{user}/repos/{slug} is /projects/~{user}/repos/{slug}
            requireKey(path, s4, e4, k4, "not a user slug");
            requireSlug(e6 - s6, k6);
            resource = resource(path, true, s4, e4, s6, e6);
            repository = true;
        }
        // the matcher knows the versions: a path with another one matches no documented endpoint
        Rule rule = state != EndpointTrie.NONE ? trie.atEnd(state, method) : null;
        if (rule != null) {
            if (rule.system()) {
                return SYSTEM_ADMIN;
            }
            if (rule.project() && repository) {
                // documented as PROJECT_ADMIN: a grant on the repository alone must not reach it
                return new Requirement(rule.level(), IN_PROJECT, Optional.of(resource.substring(0,
                        resource.indexOf('/'))));
            }
            return onContext(rule.level(), resource, repository);
        }
        // not documented: fail closed
        boolean administration = (is(path, s1, e1, "api") && is(path, s3, e3, "admin")) || is(path, s1, e1, "audit")
                || is(path, s1, e1, "mirroring") && is(path, s3, e3, "upstreamServers")
                || is(path, s1, e1, "admin"); // listed under /rest without a module (global SSH key settings)
        if (method.safe() && !administration) {
            return onContext(AccessLevel.READ, resource, repository);
        }
        if (resource != null) {
            return onContext(AccessLevel.ADMIN, resource, repository);
        }
        return SYSTEM_ADMIN;
    }

    /**
     * Throws unless the segment {@code path[from, to)}, whose characters are of the classes {@code kinds}, is a
     * project key as {@link PathCheck#isKey} defines it (with a {@code ~}, PathCheck decides: it must be first).
     */
    private static void requireKey(String path, int from, int to, int kinds, String message) {
        boolean key = (kinds & TILDE) != 0 ? PathCheck.isKey(path, from, to)
                : (kinds & NOT_KEY) == 0 && to - from <= 128;
        if (!key) {
            throw new UnclassifiableRequestException(message);
        }
    }

    /** Throws unless a segment of {@code length} characters of the classes {@code kinds} is a repository slug. */
    private static void requireSlug(int length, int kinds) {
        if ((kinds & NOT_SLUG) != 0 || length > 128) {
            throw new UnclassifiableRequestException("not a repository slug");
        }
    }

    private static UnclassifiableRequestException ambiguous(char c) {
        return new UnclassifiableRequestException("the path contains a character (" + (int) c
                + ") that makes its meaning ambiguous");
    }

    /** The packed form ({@link EndpointTrie#pack}) of an ASCII word of up to 8 characters. */
    private static long packed(String word) {
        if (word.length() > 8) {
            throw new IllegalArgumentException(word);
        }
        long w = 0;
        for (int i = 0; i < word.length(); i++) {
            w = EndpointTrie.pack(w, word.charAt(i));
        }
        return w;
    }

    /** Whether the segment {@code path[from, to)} exists ({@code from >= 0}) and is {@code word}. */
    private static boolean is(String path, int from, int to, String word) {
        return from >= 0 && to - from == word.length() && path.startsWith(word, from);
    }

    private static Requirement onContext(AccessLevel level, String resource, boolean repository) {
        if (resource == null) {
            return ANY[level.ordinal()];
        }
        return new Requirement(level, repository ? IN_REPOSITORY : IN_PROJECT, Optional.of(resource));
    }

    // ------------------------------------------------------------------ git smart HTTP and Git LFS

    private Requirement scm(Method method, String path, RequestFacts request) {
        int keyStart = SCM.length();
        int keyEnd = path.indexOf('/', keyStart);
        if (keyEnd < 0 || !PathCheck.isKey(path, keyStart, keyEnd)) {
            throw new UnclassifiableRequestException("an /scm/ path needs /scm/{KEY}/{slug}.git");
        }
        int slugStart = keyEnd + 1;
        int slugEnd = path.indexOf('/', slugStart);
        if (slugEnd < 0) {
            slugEnd = path.length();
        }
        int rest = slugEnd;
        if (slugEnd - slugStart >= 4 && path.startsWith(".git", slugEnd - 4)) {
            slugEnd -= 4;
        }
        if (!PathCheck.isSlug(path, slugStart, slugEnd)) {
            throw new UnclassifiableRequestException("an /scm/ path needs a repository slug");
        }
        String resource = resource(path, false, keyStart, keyEnd, slugStart, slugEnd);
        return new Requirement(gitLevel(method, path, rest, request), IN_REPOSITORY, Optional.of(resource));
    }

    private static AccessLevel gitLevel(Method method, String path, int rest, RequestFacts request) {
        int n = path.length();
        if (rest >= n - 1) {
            return method.safe() ? AccessLevel.READ : AccessLevel.ADMIN; // the repository itself
        }
        if (tailIs(path, rest, "/info/refs")) {
            String service = GitQuery.service(request.query());
            if (!method.safe()) {
                return AccessLevel.ADMIN;
            }
            if (service == null || service.equals("git-upload-pack")) {
                return AccessLevel.READ;
            }
            if (service.equals("git-receive-pack")) {
                return AccessLevel.WRITE;
            }
            throw new UnclassifiableRequestException("unknown git service");
        }
        if (tailIs(path, rest, "/git-upload-pack")) {
            return method == Method.POST || method.safe() ? AccessLevel.READ : AccessLevel.ADMIN;
        }
        if (tailIs(path, rest, "/git-receive-pack")) {
            return method == Method.POST || method.safe() ? AccessLevel.WRITE : AccessLevel.ADMIN;
        }
        if (path.startsWith("/info/lfs/", rest)) {
            return lfsLevel(method, path, rest + "/info/lfs".length(), request);
        }
        // dumb HTTP reads (objects, HEAD, ...); anything else is not a git endpoint
        return method.safe() ? AccessLevel.READ : AccessLevel.ADMIN;
    }

    /** {@code path[from..]} is what follows {@code /info/lfs}, starting with '/'. */
    private static AccessLevel lfsLevel(Method method, String path, int from, RequestFacts request) {
        if (tailIs(path, from, "/objects/batch")) {
            if (method == Method.POST) {
                return LfsBatch.isDownload(request.body().get()) ? AccessLevel.READ : AccessLevel.WRITE;
            }
            return method.safe() ? AccessLevel.READ : AccessLevel.ADMIN;
        }
        if (tailIs(path, from, "/locks")) {
            return method.safe() ? AccessLevel.READ : method == Method.POST ? AccessLevel.WRITE : AccessLevel.ADMIN;
        }
        if (path.startsWith("/locks/", from)) {
            // verify (needs push rights in practice), {id}/unlock
            return method.safe() ? AccessLevel.READ : method == Method.POST ? AccessLevel.WRITE : AccessLevel.ADMIN;
        }
        if (path.startsWith("/objects/", from)) {
            // basic transfer: GET downloads, PUT uploads, POST .../verify after an upload
            if (method.safe()) {
                return AccessLevel.READ;
            }
            return method == Method.PUT || method == Method.POST ? AccessLevel.WRITE : AccessLevel.ADMIN;
        }
        return method.safe() ? AccessLevel.READ : AccessLevel.ADMIN;
    }

    /** Whether {@code path[from..]} is {@code tail}, optionally followed by one '/'. */
    private static boolean tailIs(String path, int from, String tail) {
        int n = path.length();
        int end = from + tail.length();
        return path.startsWith(tail, from) && (end == n || (end == n - 1 && path.charAt(end) == '/'));
    }

    /**
     * {@code KEY/slug} with the key upper-cased and the slug lower-cased, in one copy. Both were checked by
     * {@link PathCheck#isKey}/{@link PathCheck#isSlug} first, so they are ASCII and ASCII case rules are
     * {@code Locale.ROOT}'s. {@code personal} puts a {@code ~} first.
     */
    private static String resource(String path, boolean personal, int keyStart, int keyEnd, int slugStart,
                                   int slugEnd) {
        byte[] out = new byte[(personal ? 1 : 0) + keyEnd - keyStart + 1 + slugEnd - slugStart];
        int j = 0;
        if (personal) {
            out[j++] = '~';
        }
        for (int i = keyStart; i < keyEnd; i++) {
            char c = path.charAt(i);
            out[j++] = (byte) (c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
        }
        out[j++] = '/';
        for (int i = slugStart; i < slugEnd; i++) {
            char c = path.charAt(i);
            out[j++] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** A checked (ASCII) project key, upper-cased. */
    private static String upper(String path, int from, int to) {
        byte[] out = new byte[to - from];
        for (int i = from; i < to; i++) {
            char c = path.charAt(i);
            out[i - from] = (byte) (c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ scopes

    /** {@code KEY} or {@code KEY/slug}, canonicalised; anything else is a {@link ValidationException}. */
    @Override
    public String canonicalResource(String resource) {
        int slash = resource.indexOf('/');
        if (slash < 0 && PathCheck.isKey(resource, 0, resource.length())) {
            return upper(resource, 0, resource.length());
        }
        if (slash > 0 && PathCheck.isKey(resource, 0, slash) && PathCheck.isSlug(resource, slash + 1, resource.length())) {
            return resource(resource, false, 0, slash, slash + 1, resource.length());
        }
        throw new ValidationException("resources", SafeText.quote(resource) + " is not a project key (PROJ) or a "
                + "repository (PROJ/repo-slug)");
    }

    @Override
    public void validateScope(Scope scope) {
        for (String domain : scope.domainLevels().keySet()) {
            if (!domain.equals(PROJECT) && !domain.equals(REPOSITORY) && !domain.equals(SYSTEM)) {
                throw new ValidationException("domainLevels", "unknown domain " + SafeText.quote(domain) + "; use "
                        + PROJECT + ", " + REPOSITORY + " or " + SYSTEM);
            }
        }
        if (!scope.levelFor(REPOSITORY).includes(scope.levelFor(PROJECT))) {
            throw new ValidationException("domainLevels", "the repository level " + scope.levelFor(REPOSITORY)
                    + " is below the project level " + scope.levelFor(PROJECT)
                    + "; a repository must be at least as permissive as its project");
        }
    }
}
