package dev.latchkey.servlet;

import dev.latchkey.servlet.testing.TestServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.eclipse.jetty.ee10.servlet.FilterHolder;

/** {@link FilterOnlyHost} on Jetty 12's ee10 environment (Jakarta Servlet 6) with token-servlet alone. */
@EnabledIfSystemProperty(named = "latchkey.filterOnlyHost", matches = "true")
class FilterOnlyHostEe10Test extends FilterOnlyHost {

    @Override
    protected Host start(Map<String, Object> attributes, Map<String, String> passwords) throws Exception {
        TestServer server = TestServer.builder().filterHolder(new FilterHolder(LatchkeyFilter.class))
                .hostUsers(passwords).customize(ctx -> attributes.forEach(ctx::setAttribute)).start();
        return new Host() {
            @Override
            public URI base() {
                return server.base();
            }

            @Override
            public void close() throws Exception {
                server.close();
            }
        };
    }
}
