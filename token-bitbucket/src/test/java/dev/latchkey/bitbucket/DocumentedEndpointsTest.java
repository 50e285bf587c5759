package dev.latchkey.bitbucket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.classify.Requirement;
import dev.latchkey.spi.AccessLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every documented Bitbucket endpoint, under {@code 1.0} and {@code latest}, in the method's usual spelling and
 * in an odd case: the classifier asks at least the documented permission, on the documented resource.
 */
class DocumentedEndpointsTest {
    private static final BitbucketRequestClassifier BB = new BitbucketRequestClassifier();

    static Stream<Arguments> rows() {
        List<Arguments> out = new ArrayList<>();
        for (DocumentedEndpoints.Row row : DocumentedEndpoints.ROWS) {
            String version = row.template().startsWith("/branch-permissions/") ? "2.0" : "1.0";
            out.add(Arguments.of(row, version));
            out.add(Arguments.of(row, "latest"));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("rows")
    void classifyWhenDocumentedEndpointThenAtLeastDocumentedPermission(DocumentedEndpoints.Row row, String version) {
        String path = row.instantiate(version, DocumentedEndpoints::value);
        String repo = DocumentedEndpoints.KEY + "/" + "my-repo";
        Requirement need = BB.classify(new RequestFacts(row.method(), path, "", "10.0.0.1"));
        assertThat(row.satisfiedBy(need, DocumentedEndpoints.KEY, repo)).as(path + " -> " + need).isTrue();
        if (!row.method().equals("GET")) {
            // escalation by spelling: delete, pOsT meet the same rule
            String odd = row.method().toLowerCase(Locale.ROOT);
            Requirement lower = BB.classify(new RequestFacts(odd, path, "", "10.0.0.1"));
            assertThat(row.satisfiedBy(lower, DocumentedEndpoints.KEY, repo)).as(odd + " " + path).isTrue();
        } else {
            // "get" is not GET: never a read rule for it
            Requirement odd = BB.classify(new RequestFacts("gEt", path, "", "10.0.0.1"));
            assertThat(odd.level()).as("gEt " + path).isEqualTo(AccessLevel.ADMIN);
        }
    }

    @Test
    void tableWhenLoadedThenEveryDocumentedEndpointIsKnownToTheClassifier() {
        assertThat(DocumentedEndpoints.ROWS).hasSizeGreaterThan(400);
        assertThat(BB.knownEndpoints()).isGreaterThanOrEqualTo(DocumentedEndpoints.ROWS.size());
    }
}
