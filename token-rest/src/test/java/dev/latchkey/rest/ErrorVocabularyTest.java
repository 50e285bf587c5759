package dev.latchkey.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.servlet.testing.TestServer;
import dev.latchkey.servlet.LatchkeyFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.core.PermissionDeniedException;
import dev.latchkey.servlet.internal.ErrorCode;
import dev.latchkey.spi.AccessLevel;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: one error vocabulary. The filter and the REST API answer the same failure with the same code, status and
 * headers (one factory); the README's error tables use only codes of that vocabulary; the rule "tokens may not
 * manage tokens" reads the same wherever it refuses.
 */
class ErrorVocabularyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Fixture fx;
    private TestServer server;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    private void start(Fixture fixture) throws Exception {
        fx = fixture;
        server = TestServer.builder().filter(LatchkeyFilter.builder(fx.latchkey).build())
                .rest(TokenRestServlet.builder(fx.latchkey).auditLog(fx.audit).build())
                .hostUsers(Fixture.PASSWORDS).start();
    }

    private URI api(String path) {
        return server.base().resolve("/rest/latchkey/1.0" + path);
    }

    @Test
    void storeDownWhenFilterAndRestApiAnswerThenSameCodeStatusAndRetryAfter() throws Exception {
        start(new Fixture());
        fx.store.down = true;
        // a well-formed token this node has not cached: the filter must read the store
        HttpResponse<String> filter = fx.get(server.base().resolve("/x"), "Authorization", "Bearer "
                + Fixture.foreignToken());
        HttpResponse<String> rest = fx.get(api("/tokens"), "Authorization", Fixture.basic("alice", "alice-pw"));
        for (HttpResponse<String> r : java.util.List.of(filter, rest)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo("temporarily_unavailable");
            assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(r.headers().allValues("WWW-Authenticate")).isEmpty();
        }
        assertThat(JSON.readTree(filter.body()).path("message").asText())
                .isEqualTo(JSON.readTree(rest.body()).path("message").asText());
    }

    @Test
    void tokenActorWhenManagingTokensOrPolicyThenOneWordingEverywhere() throws Exception {
        start(new Fixture());
        String admin = "Bearer " + fx.token("admin", AccessLevel.ADMIN);
        String[][] calls = {
            {"POST", "/tokens", "{\"name\":\"x\",\"level\":\"READ\"}"}, // the lifecycle refuses
            {"GET", "/admin/audit", null},                                // the REST API's own guard
            {"PUT", "/admin/policy", "{\"maxTokensPerUser\":3}"},         // the policy service refuses
            {"POST", "/admin/tokens/identify", "{\"token\":\"lkp_x\"}"},  // the leaked-token service refuses
        };
        for (String[] c : calls) {
            HttpResponse<String> r = fx.send(c[0], api(c[1]), c[2], "Authorization", admin);
            assertThat(r.statusCode()).as(c[1] + ": " + r.body()).isEqualTo(403);
            JsonNode n = JSON.readTree(r.body());
            assertThat(n.path("error").asText()).isEqualTo("forbidden");
            assertThat(n.path("message").asText()).as(c[1])
                    .isEqualTo(PermissionDeniedException.TOKENS_MAY_NOT_MANAGE_TOKENS);
        }
    }

    @Test
    void readmeErrorTablesWhenReadThenEveryCodeIsInTheVocabulary() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        Set<String> vocabulary = Arrays.stream(ErrorCode.values()).map(ErrorCode::text).collect(Collectors.toSet());
        Map<String, Integer> statusOf = Arrays.stream(ErrorCode.values())
                .collect(Collectors.toMap(ErrorCode::text, ErrorCode::status));
        // rows of the filter's and the REST API's tables: | 503 | `temporarily_unavailable` | ...
        Matcher m = Pattern.compile("(?m)^\\| (\\d{3}) \\| `([a-z_]+)`").matcher(readme);
        Set<String> documented = new LinkedHashSet<>();
        while (m.find()) {
            documented.add(m.group(2));
            assertThat(vocabulary).as("README code %s", m.group(2)).contains(m.group(2));
            assertThat(statusOf.get(m.group(2))).as("README status of %s", m.group(2))
                    .isEqualTo(Integer.parseInt(m.group(1)));
        }
        assertThat(documented).contains("temporarily_unavailable", "invalid_token", "unauthenticated", "not_found")
                .doesNotContain("unavailable");
    }

    @Test
    void errorCodesWhenListedThenDistinctSnakeCaseAndRfc6750OnesMarked() {
        Set<String> texts = new LinkedHashSet<>();
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(texts.add(c.text())).as(c.text()).isTrue();
            assertThat(c.text()).matches("[a-z]+(_[a-z]+)*");
            assertThat(c.status()).isBetween(400, 599);
        }
        assertThat(Arrays.stream(ErrorCode.values()).filter(ErrorCode::bearerError).map(ErrorCode::text))
                .containsExactlyInAnyOrder("invalid_request", "invalid_token", "insufficient_scope");
    }
}
