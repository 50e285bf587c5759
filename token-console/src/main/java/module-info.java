/**
 * Latchkey's token web pages: {@link dev.latchkey.console.ConsoleServlet} serves them from this jar as static,
 * versioned assets over the token REST API. The servlet API is supplied by the container.
 */
module dev.latchkey.console {
    requires static jakarta.servlet;

    exports dev.latchkey.console;
}
