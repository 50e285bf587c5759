/**
 * The token management REST API ({@link dev.latchkey.rest.TokenRestServlet}, with
 * {@link dev.latchkey.rest.SelfRotationFilter} for a token rotating itself) and RFC 7662 token introspection
 * ({@link dev.latchkey.rest.IntrospectionServlet}) for Jakarta Servlet 6, in JSON (Jackson). They read
 * {@code web.xml}, resolve client addresses and word their errors as {@code token-servlet}'s filter does, with the
 * same code. Only {@code dev.latchkey.rest} is exported; the servlet API is supplied by the container.
 */
module dev.latchkey.rest {
    requires transitive dev.latchkey.servlet;
    requires static jakarta.servlet;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.latchkey.rest;
}
