/**
 * Latchkey for Jakarta Servlet 6: {@link dev.latchkey.servlet.LatchkeyFilter} authenticates requests that
 * present an API token, and {@link dev.latchkey.servlet.TokenRestServlet} serves the token management REST
 * API. Only {@code dev.latchkey.servlet} is exported; the servlet API is supplied by the container.
 */
module dev.latchkey.servlet {
    requires transitive dev.latchkey.core;
    requires static jakarta.servlet;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.latchkey.servlet;
}
