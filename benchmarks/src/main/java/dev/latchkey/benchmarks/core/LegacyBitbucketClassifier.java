package dev.latchkey.benchmarks.core;

import dev.latchkey.core.internal.text.SafeText;
import dev.latchkey.core.classify.GitAwareMethodClassifier;
import dev.latchkey.core.classify.PathCheck;
import dev.latchkey.core.classify.RequestClassifier;
import dev.latchkey.core.classify.Requirement;
import dev.latchkey.core.classify.UnclassifiableRequestException;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.ValidationException;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.Scope;
import java.util.Locale;

/**
 * Rival for {@link ClassifierBenchmark} only: the Bitbucket classifier as it was before issue 10 (commit
 * {@code c68974a}, then in token-core), which knew {@code /rest/api/1.0/projects/...} only and decided the rest
 * by method. Kept verbatim (package and imports aside) so the benchmark compares today's classifier with the
 * speed it must not fall below; it is not safe to use: it under-classifies most of Bitbucket's API.
 *
 * <p>Original description: classifies Bitbucket Data Center style requests:
 * <ul>
 *   <li>{@code /rest/api/1.0/projects/{KEY}/repos/{slug}/...}: domain {@code repository}, resource
 *       {@code KEY/slug}; deleting or replacing the repository itself, or changing its permissions or settings,
 *       needs ADMIN;</li>
 *   <li>{@code /rest/api/1.0/projects/{KEY}/...}: domain {@code project}, resource {@code KEY}; creating a
 *       repository ({@code POST .../repos}) needs WRITE; changing the project itself, its permissions or its
 *       settings needs ADMIN;</li>
 *   <li>{@code POST /rest/api/1.0/projects} (create a project) needs ADMIN;</li>
 *   <li>{@code /scm/{KEY}/{slug}.git/...}: git smart HTTP on repository {@code KEY/slug};</li>
 *   <li>anything else: by method (and git smart HTTP), no resource.</li>
 * </ul>
 * Project keys are upper-cased and repository slugs lower-cased, as Bitbucket treats them. Scopes may set
 * levels for the domains {@code project} and {@code repository}, and the repository level must be at least
 * the project level. Thread-safe; no regular expressions or splitting on the request path (it runs on every
 * request).
 */
public class LegacyBitbucketClassifier implements RequestClassifier {
    public static final String PROJECT = "project";
    public static final String REPOSITORY = "repository";

    private static final String REST = "/rest/api/1.0/projects";
    private static final String SCM = "/scm/";

    @Override
    public Requirement classify(RequestFacts request) {
        String path = request.path();
        PathCheck.requireNormalised(path);
        String method = request.method();
        if (path.startsWith(SCM)) {
            return scm(method, path, request.query());
        }
        if (path.startsWith(REST)) {
            int n = path.length();
            int base = REST.length();
            if (n == base || (n == base + 1 && path.charAt(base) == '/')) {
                return Requirement.of(GitAwareMethodClassifier.safe(method) ? AccessLevel.READ : AccessLevel.ADMIN);
            }
            if (path.charAt(base) == '/') {
                return rest(method, path, base + 1);
            }
        }
        return Requirement.of(GitAwareMethodClassifier.levelFor(method, path, request.query()));
    }

    private Requirement scm(String method, String path, String query) {
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
        if (slugEnd - slugStart >= 4 && path.startsWith(".git", slugEnd - 4)) {
            slugEnd -= 4;
        }
        if (!PathCheck.isSlug(path, slugStart, slugEnd)) {
            throw new UnclassifiableRequestException("an /scm/ path needs a repository slug");
        }
        return Requirement.on(GitAwareMethodClassifier.levelFor(method, path, query), REPOSITORY,
                resource(path, keyStart, keyEnd, slugStart, slugEnd));
    }

    /** {@code path[from..]} is {@code KEY[/rest...]}. */
    private Requirement rest(String method, String path, int from) {
        int n = path.length();
        int keyEnd = indexOrEnd(path, '/', from);
        if (!PathCheck.isKey(path, from, keyEnd)) {
            throw new UnclassifiableRequestException("not a project key");
        }
        boolean safe = GitAwareMethodClassifier.safe(method);
        // the segment after the key, and the one after that
        int s1 = keyEnd + 1;
        int s1End = s1 <= n ? indexOrEnd(path, '/', s1) : n;
        boolean hasS1 = s1 < n && s1End > s1;
        if (hasS1 && segmentIs(path, s1, s1End, "repos") && s1End + 1 < n) {
            int slugStart = s1End + 1;
            int slugEnd = indexOrEnd(path, '/', slugStart);
            if (slugEnd > slugStart) {
                if (!PathCheck.isSlug(path, slugStart, slugEnd)) {
                    throw new UnclassifiableRequestException("not a repository slug");
                }
                int rest = slugEnd + 1;
                boolean itself = rest >= n; // nothing (or only a trailing '/') after the slug
                AccessLevel level;
                if (safe) {
                    level = AccessLevel.READ;
                } else if (itself) {
                    level = method.equals("DELETE") || method.equals("PUT") ? AccessLevel.ADMIN : AccessLevel.WRITE;
                } else if (adminSection(path, rest, indexOrEnd(path, '/', rest))) {
                    level = AccessLevel.ADMIN;
                } else {
                    level = AccessLevel.WRITE;
                }
                return Requirement.on(level, REPOSITORY, resource(path, from, keyEnd, slugStart, slugEnd));
            }
        }
        AccessLevel level;
        if (safe) {
            level = AccessLevel.READ;
        } else if (!hasS1) {
            level = AccessLevel.ADMIN; // the project itself: update or delete
        } else if (adminSection(path, s1, s1End)) {
            level = AccessLevel.ADMIN;
        } else {
            level = AccessLevel.WRITE; // e.g. POST .../repos creates a repository
        }
        return Requirement.on(level, PROJECT, path.substring(from, keyEnd).toUpperCase(Locale.ROOT));
    }

    private static int indexOrEnd(String s, char c, int from) {
        int i = s.indexOf(c, from);
        return i < 0 ? s.length() : i;
    }

    private static boolean segmentIs(String s, int from, int to, String word) {
        return to - from == word.length() && s.startsWith(word, from);
    }

    private static boolean adminSection(String s, int from, int to) {
        return segmentIs(s, from, to, "permissions") || segmentIs(s, from, to, "settings");
    }

    private static String resource(String path, int keyStart, int keyEnd, int slugStart, int slugEnd) {
        return path.substring(keyStart, keyEnd).toUpperCase(Locale.ROOT) + "/"
                + path.substring(slugStart, slugEnd).toLowerCase(Locale.ROOT);
    }

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
            if (!domain.equals(PROJECT) && !domain.equals(REPOSITORY)) {
                throw new ValidationException("domainLevels", "unknown domain " + SafeText.quote(domain) + "; use "
                        + PROJECT + " or " + REPOSITORY);
            }
        }
        if (!scope.levelFor(REPOSITORY).includes(scope.levelFor(PROJECT))) {
            throw new ValidationException("domainLevels", "the repository level " + scope.levelFor(REPOSITORY)
                    + " is below the project level " + scope.levelFor(PROJECT)
                    + "; a repository must be at least as permissive as its project");
        }
    }
}
