package dev.latchkey.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.NewToken;
import dev.latchkey.servlet.testing.Fixture;
import dev.latchkey.spi.AccessLevel;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: a host that wants only the filter gets no JSON library. These tests run on token-servlet's class path as a
 * filter-only host has it: neither token-rest nor Jackson is on it (the pom's surefire execution
 * {@code filter-only-host} drops the Jackson that the fixture's Bitbucket classifier brings into the other tests),
 * and the filter still authenticates tokens and answers refusals with its JSON error bodies. That execution sets
 * {@code latchkey.filterOnlyHost}, and each launcher is enabled by it (JUnit does not inherit the condition from
 * this class): elsewhere, with the module's other tests, whose class path has Jackson, they are skipped. A launcher per environment maps the host onto its container:
 * {@code FilterOnlyHostEe10Test} here (Jetty 12 ee10) and, in token-servlet-javax, {@code FilterOnlyHostEe8Test}
 * (Jetty 12 ee8), where this source is compiled again after the Eclipse Transformer's rename.
 */
abstract class FilterOnlyHost {

    /** A running host; {@link #base()} is its {@code http://127.0.0.1:port} address. */
    interface Host extends AutoCloseable {
        URI base();
    }

    /**
     * Starts a host on 127.0.0.1 with an ephemeral port: the servlet-context attributes {@code attributes};
     * {@link LatchkeyFilter} on {@code /*} (REQUEST dispatch), declared by class name with no init-params, as a
     * {@code web.xml} declares it; after it, the host's own password check {@code HostAuthFilter} with
     * {@code passwords}; and {@code EchoServlet} on {@code /*}. Nothing else: no REST API.
     */
    protected abstract Host start(Map<String, Object> attributes, Map<String, String> passwords) throws Exception;

    private Fixture fx;
    private Host host;

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    private void start() throws Exception {
        fx = new Fixture();
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(LatchkeyAttributes.LATCHKEY, fx.latchkey);
        host = start(attributes, Fixture.PASSWORDS);
    }

    @Test
    void classPathWhenFilterOnlyThenNeitherJacksonNorTheRestApiIsThere() {
        for (String absent : new String[] {"com.fasterxml.jackson.databind.ObjectMapper",
                "com.fasterxml.jackson.core.JsonFactory", "dev.latchkey.rest.TokenRestServlet"}) {
            assertThatThrownBy(() -> Class.forName(absent, false, FilterOnlyHost.class.getClassLoader()))
                    .as(absent + " on a filter-only host's class path")
                    .isInstanceOf(ClassNotFoundException.class);
        }
        // the check can see a class that is there
        assertThat(LatchkeyFilter.class.getClassLoader()).isNotNull();
    }

    @Test
    void filterWhenBearerTokenThenTheHostSeesItsOwner() throws Exception {
        start();
        IssuedToken issued = fx.issue("alice", NewToken.builder("ci", AccessLevel.READ).build());
        HttpResponse<String> r = fx.get(host.base().resolve("/rest/api/1.0/projects/PROJ/repos/r"),
                "Authorization", "Bearer " + issued.secret().reveal());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("remoteUser=alice", "authType=Bearer", "tokenId=" + issued.record().id());
        // without a token the host decides, with its own password check
        HttpResponse<String> password = fx.get(host.base().resolve("/x"), "Authorization",
                Fixture.basic("bob", Fixture.PASSWORDS.get("bob")));
        assertThat(password.statusCode()).isEqualTo(200);
        assertThat(password.body()).contains("remoteUser=bob", "tokenId=null");
    }

    @Test
    void filterWhenUnknownTokenThen401WithItsJsonErrorBody() throws Exception {
        start();
        HttpResponse<String> r = fx.get(host.base().resolve("/x"), "Authorization", "Bearer lkp_notAToken");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.body()).startsWith("{\"error\":\"invalid_token\",\"message\":\"").endsWith("}")
                .doesNotContain("lkp_notAToken", "remoteUser=");
    }
}
