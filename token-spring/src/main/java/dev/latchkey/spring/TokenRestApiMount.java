package dev.latchkey.spring;

import java.util.Objects;

/**
 * Where the token REST API ({@link dev.latchkey.rest.TokenRestServlet}) is mounted, so
 * {@link LatchkeyConfigurer} can exempt its JSON requests from CSRF. The Boot auto-configuration makes one from
 * {@code latchkey.rest.base-path}.
 *
 * @param basePath the context-relative mount point, e.g. {@code /rest/latchkey/1.0}
 */
public record TokenRestApiMount(String basePath) {
    /**
     * @throws IllegalArgumentException naming {@code basePath} unless it starts with {@code /}, has no trailing
     *                                  {@code /} and is only letters, digits and {@code / . _ -}
     */
    public TokenRestApiMount {
        Objects.requireNonNull(basePath, "basePath");
        if (!basePath.matches("(/[A-Za-z0-9._-]+)+") || basePath.contains("/../") || basePath.endsWith("/..")
                || basePath.contains("/./") || basePath.endsWith("/.")) {
            throw new IllegalArgumentException("basePath '" + basePath + "' must be like /rest/latchkey/1.0: start "
                    + "with '/', no trailing '/', no '.' or '..' segments, only letters, digits and / . _ -");
        }
    }

    /** Whether the context-relative {@code path} is this API (the mount point itself or below it). */
    public boolean covers(String path) {
        return path != null && (path.equals(basePath) || path.startsWith(basePath + "/"));
    }
}
