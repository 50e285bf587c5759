package dev.latchkey.bitbucket;

import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.bitbucket.internal.EndpointTrie;
import dev.latchkey.bitbucket.internal.EndpointTrie.Method;
import dev.latchkey.bitbucket.internal.EndpointTrie.Rule;
import dev.latchkey.bitbucket.internal.LfsBatch;
import dev.latchkey.bitbucket.internal.Segments;
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
import java.util.Locale;

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
        Segments all = Segments.of(path, 7); // [rest, module, version, projects|users, KEY, repos, slug]
        String resource = null;
        boolean repository = false;
        // where the path names a project or repository, the requirement is on it
        if (all.is(3, "projects") && all.count() > 4) {
            requireKey(all, 4);
            if (all.is(5, "repos") && all.count() > 6) {
                requireSlug(all, 6);
                resource = resource(all.path(), all.start(4), all.end(4), all.start(6), all.end(6));
                repository = true;
            } else {
                resource = all.segment(4).toUpperCase(Locale.ROOT);
            }
        } else if (all.is(3, "users") && all.is(5, "repos") && all.count() > 6) {
            // personal repositories: /users/{user}/repos/{slug} is /projects/~{user}/repos/{slug}
            if (!PathCheck.isKey(all.path(), all.start(4), all.end(4))) {
                throw new UnclassifiableRequestException("not a user slug");
            }
            requireSlug(all, 6);
            resource = "~" + resource(all.path(), all.start(4), all.end(4), all.start(6), all.end(6));
            repository = true;
        }
        boolean knownVersion = all.is(2, "1.0") || all.is(2, "latest") || all.is(2, "2.0");
        Rule rule = knownVersion && all.count() > 2 ? endpoints.match(method, path, all.start(1)) : null;
        if (rule != null) {
            if (rule.system()) {
                return Requirement.explicit(rule.level(), SYSTEM);
            }
            return onContext(rule.level(), resource, repository);
        }
        // not documented: fail closed
        if (method.safe() && !administration(all)) {
            return onContext(AccessLevel.READ, resource, repository);
        }
        if (resource != null) {
            return onContext(AccessLevel.ADMIN, resource, repository);
        }
        return Requirement.explicit(AccessLevel.ADMIN, SYSTEM);
    }

    /** The administration API and modules whose every page is for system administrators. */
    private static boolean administration(Segments all) {
        return (all.is(1, "api") && all.is(3, "admin")) || all.is(1, "audit") || all.is(1, "mirroring")
                && all.is(3, "upstreamServers");
    }

    private static Requirement onContext(AccessLevel level, String resource, boolean repository) {
        if (resource == null) {
            return Requirement.of(level);
        }
        return Requirement.on(level, repository ? REPOSITORY : PROJECT, resource);
    }

    private static void requireKey(Segments s, int i) {
        if (!PathCheck.isKey(s.path(), s.start(i), s.end(i))) {
            throw new UnclassifiableRequestException("not a project key");
        }
    }

    private static void requireSlug(Segments s, int i) {
        if (!PathCheck.isSlug(s.path(), s.start(i), s.end(i))) {
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

    private static String resource(String path, int keyStart, int keyEnd, int slugStart, int slugEnd) {
        return path.substring(keyStart, keyEnd).toUpperCase(Locale.ROOT) + "/"
                + path.substring(slugStart, slugEnd).toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------ scopes

    /** {@code KEY} or {@code KEY/slug}, canonicalised; anything else is a {@link ValidationException}. */
    @Override
    public String canonicalResource(String resource) {
        int slash = resource.indexOf('/');
        if (slash < 0 && PathCheck.isKey(resource, 0, resource.length())) {
            return resource.toUpperCase(Locale.ROOT);
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
