package dev.latchkey.servlet;

import dev.latchkey.servlet.testing.EchoServlet;
import dev.latchkey.servlet.testing.HostAuthFilter;
import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import javax.servlet.DispatcherType;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.eclipse.jetty.ee8.servlet.FilterHolder;
import org.eclipse.jetty.ee8.servlet.ServletContextHandler;
import org.eclipse.jetty.ee8.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * token-servlet's {@link FilterOnlyHost} on Jetty 12's ee8 environment (javax.servlet 4.0) with this module's
 * transformed classes alone: the javax filter-only host has no JSON library either. The test and the host
 * stand-ins are token-servlet's test sources after the Eclipse Transformer's rename (see the pom).
 */
@EnabledIfSystemProperty(named = "latchkey.filterOnlyHost", matches = "true")
class FilterOnlyHostEe8Test extends FilterOnlyHost {

    @Override
    protected Host start(Map<String, Object> attributes, Map<String, String> passwords) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        attributes.forEach(context::setAttribute);
        context.addFilter(new FilterHolder(LatchkeyFilter.class), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new HostAuthFilter(passwords)), "/*", EnumSet.of(DispatcherType.REQUEST));
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
