/** Revocation endpoints for secret scanners: {@link dev.latchkey.leaks.GitHubRevocationServlet} and {@link dev.latchkey.leaks.GitLabRevocationServlet}. */
package dev.latchkey.leaks;
