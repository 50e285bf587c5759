package dev.latchkey.rest;

import dev.latchkey.servlet.testing.TestServer;
import dev.latchkey.servlet.LatchkeyFilter;
import java.net.URI;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * {@link HttpSuite} on Jetty 12's ee10 environment (Jakarta Servlet 6) with token-servlet and token-rest; token-rest-javax
 * runs the same suite on ee8 (javax.servlet 4.0). Filter and servlet are declared by class and init-params, as in
 * {@code web.xml}, so they read their engine from the context attribute.
 */
class HttpSuiteEe10Test extends HttpSuite {

    @Override
    protected Host start(Map<String, Object> attributes, Map<String, String> filterParams,
                         Map<String, String> restParams, Map<String, String> passwords) throws Exception {
        FilterHolder filter = new FilterHolder(LatchkeyFilter.class);
        filter.setInitParameters(filterParams);
        ServletHolder rest = new ServletHolder(TokenRestServlet.class);
        rest.setInitParameters(restParams);
        TestServer server = TestServer.builder().filterHolder(filter).hostUsers(passwords).customize(ctx -> {
            attributes.forEach(ctx::setAttribute);
            ctx.addServlet(rest, "/rest/latchkey/1.0/*");
        }).start();
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
