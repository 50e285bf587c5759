/**
 * Latchkey for javax.servlet 4.0 hosts (Bitbucket Data Center 8 and 9, Tomcat 9, Jetty 9/10, ...): the same
 * {@link dev.latchkey.servlet.LatchkeyFilter} and {@link dev.latchkey.servlet.ProxyAuthServlet} as
 * {@code token-servlet}, in the same package, built from {@code token-servlet}'s sources by the Eclipse
 * Transformer (the Jakarta Servlet packages renamed to {@code javax.servlet}) and compiled against the Servlet 4.0
 * API. No JSON library: the REST API is in {@code token-rest-javax}.
 * Only {@code dev.latchkey.servlet} is exported; the servlet API is supplied by the container.
 */
module dev.latchkey.servlet.javax {
    requires transitive dev.latchkey.core;
    // the automatic module name of Jakarta EE 8's Servlet 4.0 API jar (javax.servlet packages); compile time only
    requires static java.servlet;
    requires org.slf4j;

    exports dev.latchkey.servlet;
    // shared with token-rest-javax, as token-servlet shares it with token-rest; not API
    exports dev.latchkey.servlet.internal to dev.latchkey.rest.javax;
}
