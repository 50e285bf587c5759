package dev.latchkey.core.classify;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.spi.AccessLevel;

/**
 * The default classifier: by HTTP method ({@code GET}, {@code HEAD}, {@code OPTIONS} need READ; everything
 * else WRITE), with git smart HTTP understood: {@code info/refs?service=git-upload-pack} and
 * {@code POST .../git-upload-pack} (fetch, clone) need READ; {@code git-receive-pack} (push) needs WRITE.
 * Names no resources. Thread-safe.
 *
 * @since 0.1
 */
public final class GitAwareMethodClassifier implements RequestClassifier {

    @Override
    public Requirement classify(RequestFacts request) {
        PathCheck.requireNormalised(request.path());
        return Requirement.of(levelFor(request.method(), request.path(), request.query()));
    }

    /**
     * The level by method and git smart-HTTP endpoint; {@link UnclassifiableRequestException} if the
     * {@code service} parameter is ambiguous.
     *
     * @param method the HTTP method as sent
     * @param path   the request path
     * @param query  the raw query string, read only for {@code service} on {@code /info/refs}
     * @return {@code READ} for safe methods and Git fetches, {@code WRITE} for anything else
     */
    public static AccessLevel levelFor(String method, String path, String query) {
        if (path.endsWith("/info/refs")) {
            String service = GitQuery.service(query);
            if (service == null || service.equals("git-upload-pack")) {
                return safe(method) ? AccessLevel.READ : AccessLevel.WRITE;
            }
            return AccessLevel.WRITE; // git-receive-pack, or a service nobody knows
        }
        if (path.endsWith("/git-upload-pack")) {
            return method.equals("POST") || safe(method) ? AccessLevel.READ : AccessLevel.WRITE;
        }
        if (path.endsWith("/git-receive-pack")) {
            return AccessLevel.WRITE;
        }
        return safe(method) ? AccessLevel.READ : AccessLevel.WRITE;
    }

    /**
     * Whether {@code method} is exactly {@code GET}, {@code HEAD} or {@code OPTIONS} (any other spelling is not safe).
     *
     * @param method the HTTP method as sent
     * @return true only for {@code GET}, {@code HEAD} and {@code OPTIONS}, spelled exactly so
     */
    public static boolean safe(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }
}
