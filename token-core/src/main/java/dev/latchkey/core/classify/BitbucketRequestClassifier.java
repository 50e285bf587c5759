package dev.latchkey.core.classify;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.ValidationException;
import dev.latchkey.core.internal.Echo;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.Scope;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Classifies Bitbucket Data Center style requests:
 * <ul>
 *   <li>{@code /rest/api/1.0/projects/{KEY}/repos/{slug}/...}: domain {@code repository}, resource
 *       {@code KEY/slug}; deleting the repository itself, or changing its permissions or settings, needs ADMIN;</li>
 *   <li>{@code /rest/api/1.0/projects/{KEY}/...}: domain {@code project}, resource {@code KEY}; creating a
 *       repository ({@code POST .../repos}) needs WRITE; deleting the project, or changing its permissions or
 *       settings, needs ADMIN;</li>
 *   <li>{@code POST /rest/api/1.0/projects} (create a project) needs ADMIN;</li>
 *   <li>{@code /scm/{KEY}/{slug}.git/...}: git smart HTTP on repository {@code KEY/slug};</li>
 *   <li>anything else: by method, no resource.</li>
 * </ul>
 * Project keys are upper-cased and repository slugs lower-cased, as Bitbucket treats them. Scopes may set
 * levels for the domains {@code project} and {@code repository}, and the repository level must be at least
 * the project level. Thread-safe.
 */
public class BitbucketRequestClassifier implements RequestClassifier {
    public static final String PROJECT = "project";
    public static final String REPOSITORY = "repository";

    private static final String REST = "/rest/api/1.0/projects";
    private static final Pattern KEY = Pattern.compile("~?[A-Za-z0-9_-]{1,128}");
    private static final Pattern SLUG = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Set<String> ADMIN_SECTIONS = Set.of("permissions", "settings");

    @Override
    public Requirement classify(RequestFacts request) {
        String path = request.path();
        PathCheck.requireNormalised(path);
        String method = request.method();
        if (path.startsWith("/scm/")) {
            return scm(method, path, request.query());
        }
        if (path.equals(REST) || path.equals(REST + "/")) {
            return Requirement.of(GitAwareMethodClassifier.safe(method) ? AccessLevel.READ : AccessLevel.ADMIN);
        }
        if (path.startsWith(REST + "/")) {
            return rest(method, path.substring(REST.length() + 1).split("/", -1));
        }
        return Requirement.of(GitAwareMethodClassifier.levelFor(method, path, request.query()));
    }

    private Requirement scm(String method, String path, String query) {
        String[] seg = path.substring("/scm/".length()).split("/", -1);
        if (seg.length < 2 || !KEY.matcher(seg[0]).matches()) {
            throw new UnclassifiableRequestException("an /scm/ path needs /scm/{KEY}/{slug}.git");
        }
        String slug = seg[1].endsWith(".git") ? seg[1].substring(0, seg[1].length() - 4) : seg[1];
        if (!SLUG.matcher(slug).matches()) {
            throw new UnclassifiableRequestException("an /scm/ path needs a repository slug");
        }
        return Requirement.on(GitAwareMethodClassifier.levelFor(method, path, query), REPOSITORY,
                key(seg[0]) + "/" + slug(slug));
    }

    private Requirement rest(String method, String[] seg) {
        // seg[0] = KEY, seg[1] = "repos"?, seg[2] = slug?, ...
        if (!KEY.matcher(seg[0]).matches()) {
            throw new UnclassifiableRequestException("not a project key");
        }
        String key = key(seg[0]);
        boolean safe = GitAwareMethodClassifier.safe(method);
        if (seg.length >= 3 && seg[1].equals("repos") && !seg[2].isEmpty()) {
            if (!SLUG.matcher(seg[2]).matches()) {
                throw new UnclassifiableRequestException("not a repository slug");
            }
            String resource = key + "/" + slug(seg[2]);
            AccessLevel level;
            if (safe) {
                level = AccessLevel.READ;
            } else if (seg.length == 3 || (seg.length == 4 && seg[3].isEmpty())) {
                level = method.equals("DELETE") || method.equals("PUT") ? AccessLevel.ADMIN : AccessLevel.WRITE;
            } else if (ADMIN_SECTIONS.contains(seg[3])) {
                level = AccessLevel.ADMIN;
            } else {
                level = AccessLevel.WRITE;
            }
            return Requirement.on(level, REPOSITORY, resource);
        }
        AccessLevel level;
        if (safe) {
            level = AccessLevel.READ;
        } else if (seg.length == 1 || (seg.length == 2 && seg[1].isEmpty())) {
            level = AccessLevel.ADMIN; // the project itself: update or delete
        } else if (ADMIN_SECTIONS.contains(seg[1])) {
            level = AccessLevel.ADMIN;
        } else {
            level = AccessLevel.WRITE; // e.g. POST .../repos creates a repository
        }
        return Requirement.on(level, PROJECT, key);
    }

    private static String key(String k) {
        return k.toUpperCase(Locale.ROOT);
    }

    private static String slug(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** {@code KEY} or {@code KEY/slug}, canonicalised; anything else is a {@link ValidationException}. */
    @Override
    public String canonicalResource(String resource) {
        String[] parts = resource.split("/", -1);
        if (parts.length == 1 && KEY.matcher(parts[0]).matches()) {
            return key(parts[0]);
        }
        if (parts.length == 2 && KEY.matcher(parts[0]).matches() && SLUG.matcher(parts[1]).matches()) {
            return key(parts[0]) + "/" + slug(parts[1]);
        }
        throw new ValidationException("resources", Echo.quote(resource) + " is not a project key (PROJ) or a "
                + "repository (PROJ/repo-slug)");
    }

    @Override
    public void validateScope(Scope scope) {
        for (String domain : scope.domainLevels().keySet()) {
            if (!domain.equals(PROJECT) && !domain.equals(REPOSITORY)) {
                throw new ValidationException("domainLevels", "unknown domain " + Echo.quote(domain) + "; use "
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
