/**
 * Revocation endpoints for secret scanners (GitHub's partner program, GitLab's Token Revocation API) as
 * Jakarta servlets: a reported token of this host is revoked as leaked, audited, and its owner told. Only
 * {@code dev.latchkey.leaks} is exported; the servlet API is supplied by the container.
 */
module dev.latchkey.leaks {
    requires transitive dev.latchkey.core;
    requires static jakarta.servlet;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.latchkey.leaks;
}
