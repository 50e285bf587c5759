/**
 * Latchkey for Jakarta Servlet 6: {@link dev.latchkey.servlet.LatchkeyFilter} authenticates requests that
 * present an API token, and {@link dev.latchkey.servlet.ProxyAuthServlet} answers a reverse proxy's
 * sub-requests. No JSON library: the token management REST API and RFC 7662 introspection are in
 * {@code token-rest} (module {@code dev.latchkey.rest}). Only {@code dev.latchkey.servlet} is exported; the
 * servlet API is supplied by the container.
 */
module dev.latchkey.servlet {
    requires transitive dev.latchkey.core;
    requires static jakarta.servlet;
    requires org.slf4j;

    exports dev.latchkey.servlet;
    // the init-param reader, the error vocabulary and credential parsing, shared with token-rest so that its
    // servlets read web.xml and answer errors exactly as the filter does; not API
    exports dev.latchkey.servlet.internal to dev.latchkey.rest;
}
