/**
 * Latchkey's REST API for javax.servlet 4.0 hosts (Bitbucket Data Center 8 and 9, Tomcat 9, Jetty 9/10, ...): the
 * same {@link dev.latchkey.rest.TokenRestServlet}, {@link dev.latchkey.rest.SelfRotationFilter} and
 * {@link dev.latchkey.rest.IntrospectionServlet} as {@code token-rest}, in the same package, built from
 * {@code token-rest}'s sources by the Eclipse Transformer (the Jakarta Servlet packages renamed to
 * {@code javax.servlet}) and compiled against the Servlet 4.0 API, beside {@code token-servlet-javax}.
 * Only {@code dev.latchkey.rest} is exported; the servlet API is supplied by the container.
 */
module dev.latchkey.rest.javax {
    requires transitive dev.latchkey.servlet.javax;
    // the automatic module name of Jakarta EE 8's Servlet 4.0 API jar (javax.servlet packages); compile time only
    requires static java.servlet;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.latchkey.rest;
}
