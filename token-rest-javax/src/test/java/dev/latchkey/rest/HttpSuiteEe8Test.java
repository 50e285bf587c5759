package dev.latchkey.rest;

import dev.latchkey.servlet.testing.EchoServlet;
import dev.latchkey.servlet.testing.HostAuthFilter;
import dev.latchkey.servlet.LatchkeyFilter;
import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import javax.servlet.DispatcherType;
import org.eclipse.jetty.ee8.servlet.FilterHolder;
import org.eclipse.jetty.ee8.servlet.ServletContextHandler;
import org.eclipse.jetty.ee8.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * token-rest's {@link HttpSuite} on Jetty 12's ee8 environment (javax.servlet 4.0) with this module's and
 * token-servlet-javax's transformed classes. The suite (token-rest's), its fixture and the host stand-ins
 * ({@code HostAuthFilter}, {@code EchoServlet}; token-servlet's) are test sources after the Eclipse Transformer's
 * rename (see the pom); only this launcher is written for ee8, where the servlet context is a nested handler the server reaches
 * through {@code get()}.
 */
class HttpSuiteEe8Test extends HttpSuite {

    @Override
    protected Host start(Map<String, Object> attributes, Map<String, String> filterParams,
                         Map<String, String> restParams, Map<String, String> passwords) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        attributes.forEach(context::setAttribute);
        FilterHolder filter = new FilterHolder(LatchkeyFilter.class);
        filter.setInitParameters(filterParams);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new HostAuthFilter(passwords)), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder rest = new ServletHolder(TokenRestServlet.class);
        rest.setInitParameters(restParams);
        context.addServlet(rest, "/rest/latchkey/1.0/*");
        context.addServlet(new ServletHolder(new EchoServlet()), "/*");
        server.setHandler(context.get());
        server.start();
        URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
        return new Host() {
            @Override
            public URI base() {
                return base;
            }

            @Override
            public void close() throws Exception {
                server.stop();
            }
        };
    }
}
