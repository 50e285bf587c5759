package dev.latchkey.demo;

import dev.latchkey.core.Latchkey;
import dev.latchkey.rest.IntrospectionServlet;
import dev.latchkey.servlet.ClientIpResolver;
import dev.latchkey.servlet.ProxyAuthServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;

/**
 * The endpoints other programs call (issue 15): {@code GET /authorize} for a proxy's {@code auth_request}, and
 * {@code POST /introspect} (RFC 7662) for resource servers, in a servlet context of their own. Both read
 * credentials that are not the demo's users' (the original request's token, a client's Basic secret), so they
 * must not pass the demo's Latchkey filter (which would take the client secret for a password) nor its login.
 */
final class DemoEdge {
    private DemoEdge() {
    }

    /** {@code app} for every path but {@code /authorize} and {@code /introspect} (when a client is configured). */
    static Handler around(ServletContextHandler app, Latchkey latchkey, ClientIpResolver ipResolver, DemoConfig config,
                          String realm) {
        ServletContextHandler edge = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        edge.setContextPath("/");
        edge.addServlet(new ServletHolder("authorize", ProxyAuthServlet.builder(latchkey).clientIpResolver(ipResolver)
                .realm(realm).build()), "/authorize");
        PathMappingsHandler routes = new PathMappingsHandler();
        routes.addMapping(new ServletPathSpec("/authorize"), edge);
        if (!config.introspectionClients().isEmpty()) {
            IntrospectionServlet.Builder introspection = IntrospectionServlet.builder(latchkey)
                    .clientIpResolver(ipResolver);
            config.introspectionClients().forEach(introspection::client);
            edge.addServlet(new ServletHolder("introspect", introspection.build()), "/introspect");
            routes.addMapping(new ServletPathSpec("/introspect"), edge);
        }
        routes.addMapping(new ServletPathSpec("/"), app);
        return routes;
    }
}
