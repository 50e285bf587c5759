package dev.latchkey.bitbucket;

import dev.latchkey.core.classify.Requirement;
import dev.latchkey.spi.AccessLevel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The reference: Bitbucket Data Center's documented REST endpoints ({@code documented-endpoints.tsv}), one row
 * per (method, path template) with the permission Atlassian's REST reference says the user needs and the page
 * it says so on. Independent of the classifier's own table: lowering a level there makes the tests fail.
 */
final class DocumentedEndpoints {
    static final String KEY = "PRJ";
    static final String SLUG = "my-repo";

    record Row(String method, String template, String permission, String source) {

        /** The template with its variables filled by {@code values} (a name to a segment). */
        String instantiate(String version, Function<String, String> values) {
            StringBuilder sb = new StringBuilder("/rest");
            for (String seg : template.substring(1).split("/")) {
                sb.append('/');
                if (seg.equals("{version}")) {
                    sb.append(version);
                } else if (seg.startsWith("{")) {
                    sb.append(values.apply(seg.substring(1, seg.length() - 1)));
                } else {
                    sb.append(seg);
                }
            }
            return sb.toString();
        }

        /** Whether {@code need} asks at least what the documentation says, on the right resource. */
        boolean satisfiedBy(Requirement need, String resourceKey, String resourceRepo) {
            if (need.explicitDomain()) {
                return need.domain().orElseThrow().equals(BitbucketRequestClassifier.SYSTEM)
                        && need.level() == AccessLevel.ADMIN; // the strictest answer there is
            }
            switch (permission) {
                case "ADMIN", "SYS_ADMIN":
                    return false; // system administration must be the explicit system domain
                case "REPO_READ", "REPO_WRITE", "REPO_ADMIN":
                    if (template.contains("{repositorySlug}")) {
                        return need.level().includes(level())
                                && need.domain().equals(java.util.Optional.of(BitbucketRequestClassifier.REPOSITORY))
                                && need.resource().equals(java.util.Optional.of(resourceRepo));
                    }
                    return need.level().includes(level()); // e.g. mirroring by repository id: no resource in the path
                case "PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN":
                    return need.level().includes(level()) && need.resource().isPresent()
                            && (need.resource().get().equals(resourceKey) || need.resource().get().equals(resourceRepo));
                default: // LICENSED_USER, AUTHENTICATED, ANONYMOUS, PROJECT_CREATE
                    return need.level().includes(level());
            }
        }

        AccessLevel level() {
            return switch (permission) {
                case "REPO_READ", "PROJECT_READ", "LICENSED_USER", "AUTHENTICATED", "ANONYMOUS" -> AccessLevel.READ;
                case "REPO_WRITE", "PROJECT_WRITE" -> AccessLevel.WRITE;
                case "REPO_ADMIN", "PROJECT_ADMIN", "PROJECT_CREATE", "ADMIN", "SYS_ADMIN" -> AccessLevel.ADMIN;
                default -> throw new IllegalStateException("unknown permission " + permission);
            };
        }

        @Override
        public String toString() {
            return method + " " + template + " (" + permission + ", " + source + ")";
        }
    }

    static final List<Row> ROWS = load();

    private DocumentedEndpoints() {
    }

    private static List<Row> load() {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = DocumentedEndpoints.class.getResourceAsStream("documented-endpoints.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                rows.add(new Row(f[0], f[1], f[2], f[3]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(rows);
    }

    /** Plain values for each variable name. */
    static String value(String name) {
        return switch (name) {
            case "projectKey" -> KEY.toLowerCase(Locale.ROOT); // the classifier upper-cases keys
            case "repositorySlug" -> "My-Repo";                // and lower-cases slugs
            case "userSlug" -> "alice";
            case "path*", "name*" -> "src/main/App.java";
            default -> "42";
        };
    }
}
