package dev.latchkey.bitbucket;

import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.bitbucket.internal.EndpointTrie;
import dev.latchkey.bitbucket.internal.EndpointTrie.Method;
import dev.latchkey.bitbucket.internal.EndpointTrie.Rule;
import dev.latchkey.bitbucket.internal.EndpointTrie.State;
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
    public static final String PROJECT = "project";
    public static final String REPOSITORY = "repository";
    /** System administration: granted only by a scope that names this domain explicitly. */
    public static final String SYSTEM = "system";

    private static final String SCM = "/scm/";
    private static final String REST = "/rest/";
    private static final String LFS_BATCH = "/info/lfs/objects/batch";

    private final EndpointTrie endpoints = EndpointTrie.load();

    /** How many documented (method, endpoint) pairs this classifier knows. */
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
        return Requirement.of(GitAwareMethodClassifier.levelFor(request.method(), path, request.query()));
    }

    // ------------------------------------------------------------------ REST

    private Requirement rest(Method method, String path) {
        // One pass over the path after "/rest/": it checks what PathCheck.requireNormalised checks (same order, same
        // errors), steps the endpoint matcher at each segment while it has a state, and remembers segments 1-6
        // ({module}/{version}/projects|users/{KEY}/repos/{slug}) for the context.
        int n = path.length();
        State state = endpoints.root();
        int s1 = -1, e1 = -1, s2 = -1, e2 = -1, s3 = -1, e3 = -1, s4 = -1, e4 = -1, s5 = -1, e5 = -1, s6 = -1, e6 = -1;
        int seg = 1;
        int start = REST.length();
        for (int i = start; i <= n; i++) {
            char c = i < n ? path.charAt(i) : '/';
            if (c == '/') {
                int len = i - start;
                if (len == 0) {
                    if (i < n) {
                        throw new UnclassifiableRequestException("the path is not normalised");
                    }
                    break; // a trailing '/'
                }
                if (len <= 2 && path.charAt(start) == '.' && (len == 1 || path.charAt(start + 1) == '.')) {
                    throw new UnclassifiableRequestException("the path is not normalised");
                }
                switch (seg) {
                    case 1 -> { s1 = start; e1 = i; }
                    case 2 -> { s2 = start; e2 = i; }
                    case 3 -> { s3 = start; e3 = i; }
                    case 4 -> { s4 = start; e4 = i; }
                    case 5 -> { s5 = start; e5 = i; }
                    case 6 -> { s6 = start; e6 = i; }
                    default -> { }
                }
                if (state != null) {
                    state = state.next(path, start, i);
                }
                seg++;
                start = i + 1;
            } else if (c < 0x20 || c == 0x7f || c == ';' || c == '\\' || c == '%') {
                throw new UnclassifiableRequestException("the path contains a character (" + (int) c
                        + ") that makes its meaning ambiguous");
            }
        }
        String resource = null;
        boolean repository = false;
        // where the path names a project or repository, the requirement is on it
        if (s4 >= 0 && is(path, s3, e3, "projects")) {
            if (!PathCheck.isKey(path, s4, e4)) {
                throw new UnclassifiableRequestException("not a project key");
            }
            if (s6 >= 0 && is(path, s5, e5, "repos")) {
                requireSlug(path, s6, e6);
                resource = resource(path, s4, e4, s6, e6);
                repository = true;
            } else {
                resource = upper(path, s4, e4);
            }
        } else if (s6 >= 0 && is(path, s3, e3, "users") && is(path, s5, e5, "repos")) {
            // personal repositories: /users/{user}/repos/{slug} is /projects/~{user}/repos/{slug}
            if (!PathCheck.isKey(path, s4, e4)) {
                throw new UnclassifiableRequestException("not a user slug");
            }
            requireSlug(path, s6, e6);
            resource = "~" + resource(path, s4, e4, s6, e6);
            repository = true;
        }
        boolean knownVersion = is(path, s2, e2, "1.0") || is(path, s2, e2, "latest") || is(path, s2, e2, "2.0");
        Rule rule = knownVersion && state != null ? state.atEnd(method) : null;
        if (rule != null) {
            if (rule.system()) {
                return Requirement.explicit(rule.level(), SYSTEM);
            }
            if (rule.project() && repository) {
                // documented as PROJECT_ADMIN: a grant on the repository alone must not reach it
                return Requirement.on(rule.level(), PROJECT, resource.substring(0, resource.indexOf('/')));
            }
            return onContext(rule.level(), resource, repository);
        }
        // not documented: fail closed
        boolean administration = (is(path, s1, e1, "api") && is(path, s3, e3, "admin")) || is(path, s1, e1, "audit")
                || is(path, s1, e1, "mirroring") && is(path, s3, e3, "upstreamServers");
        if (method.safe() && !administration) {
            return onContext(AccessLevel.READ, resource, repository);
        }
        if (resource != null) {
            return onContext(AccessLevel.ADMIN, resource, repository);
        }
        return Requirement.explicit(AccessLevel.ADMIN, SYSTEM);
    }

    /** Whether the segment {@code path[from, to)} exists ({@code from >= 0}) and is {@code word}. */
    private static boolean is(String path, int from, int to, String word) {
        return from >= 0 && to - from == word.length() && path.startsWith(word, from);
    }

    private static Requirement onContext(AccessLevel level, String resource, boolean repository) {
        if (resource == null) {
            return Requirement.of(level);
        }
        return Requirement.on(level, repository ? REPOSITORY : PROJECT, resource);
    }

    private static void requireSlug(String path, int from, int to) {
        if (!PathCheck.isSlug(path, from, to)) {
            throw new UnclassifiableRequestException("not a repository slug");
        }
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
        String resource = resource(path, keyStart, keyEnd, slugStart, slugEnd);
        return Requirement.on(gitLevel(method, path, rest, request), REPOSITORY, resource);
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
     * {@code Locale.ROOT}'s.
     */
    private static String resource(String path, int keyStart, int keyEnd, int slugStart, int slugEnd) {
        byte[] out = new byte[keyEnd - keyStart + 1 + slugEnd - slugStart];
        int j = 0;
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
            return resource(resource, 0, slash, slash + 1, resource.length());
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
