package dev.latchkey.servlet.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Embedded Jetty 12 (ee10) for the tests: the Latchkey filter, then a fake host authentication filter, then
 * servlets. Listens on 127.0.0.1 (and [::1] when asked and available) on ephemeral ports.
 */
public final class TestServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector v4;
    private final ServerConnector v6;

    private TestServer(Server server, ServerConnector v4, ServerConnector v6) {
        this.server = server;
        this.v4 = v4;
        this.v6 = v6;
    }

    public static Builder builder() {
        return new Builder();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + v4.getLocalPort());
    }

    public int port() {
        return v4.getLocalPort();
    }

    /** The IPv6 base URI, or null when [::1] could not be bound. */
    public URI base6() {
        return v6 == null ? null : URI.create("http://[::1]:" + v6.getLocalPort());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    public static final class Builder {
        private FilterHolder latchkey;
        private Servlet rest;
        private int headerSize = 8192;
        private boolean ipv6;
        private boolean hostAuth = true;
        private Map<String, String> hostUsers = new LinkedHashMap<>();
        private final List<Consumer<ServletContextHandler>> customizers = new ArrayList<>();

        public Builder filter(Filter f) {
            this.latchkey = new FilterHolder(f);
            return this;
        }

        public Builder filterHolder(FilterHolder h) {
            this.latchkey = h;
            return this;
        }

        public Builder rest(Servlet s) {
            this.rest = s;
            return this;
        }

        public Builder requestHeaderSize(int bytes) {
            this.headerSize = bytes;
            return this;
        }

        public Builder ipv6() {
            this.ipv6 = true;
            return this;
        }

        /** Host users and their passwords, for the fake host authentication. */
        public Builder hostUsers(Map<String, String> users) {
            this.hostUsers = users;
            return this;
        }

        /** Without the fake host authentication (endpoints that read Basic credentials themselves). */
        public Builder noHostAuth() {
            this.hostAuth = false;
            return this;
        }

        public Builder customize(Consumer<ServletContextHandler> c) {
            customizers.add(c);
            return this;
        }

        public TestServer start() throws Exception {
            Server server = new Server();
            HttpConfiguration hc = new HttpConfiguration();
            hc.setRequestHeaderSize(headerSize);
            hc.setSendServerVersion(false);
            ServerConnector c4 = new ServerConnector(server, new HttpConnectionFactory(hc));
            c4.setHost("127.0.0.1");
            c4.setPort(0);
            server.addConnector(c4);
            ServerConnector c6 = null;
            if (ipv6 && ipv6Available()) {
                c6 = new ServerConnector(server, new HttpConnectionFactory(hc));
                c6.setHost("::1");
                c6.setPort(0);
                server.addConnector(c6);
            }
            ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.SESSIONS);
            ctx.setContextPath("/");
            customizers.forEach(cz -> cz.accept(ctx));
            if (latchkey != null) {
                ctx.addFilter(latchkey, "/*", EnumSet.of(DispatcherType.REQUEST));
            }
            if (hostAuth) {
                ctx.addFilter(new FilterHolder(new HostAuthFilter(hostUsers)), "/*", EnumSet.of(DispatcherType.REQUEST));
            }
            if (rest != null) {
                ctx.addServlet(new ServletHolder(rest), "/rest/latchkey/1.0/*");
            }
            ctx.addServlet(new ServletHolder(new EchoServlet()), "/*");
            server.setHandler(ctx);
            server.start();
            return new TestServer(server, c4, c6);
        }
    }

    public static boolean ipv6Available() {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A raw HTTP/1.1 exchange, for what java.net.http.HttpClient refuses to send. */
    public record RawResponse(int status, String head, String body) {
    }

    public RawResponse raw(byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] b = new byte[8192];
            int n;
            try {
                while ((n = in.read(b)) > 0) {
                    buf.write(b, 0, n);
                }
            } catch (java.net.SocketException e) {
                // the server may reset after answering an oversized request
            }
            String text = buf.toString(StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            String body = split < 0 ? "" : text.substring(split + 4);
            int status = head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : -1;
            return new RawResponse(status, head, body);
        }
    }

    /** {@code GET path} with the given extra header lines (each without CRLF), as raw bytes. */
    public RawResponse rawGet(String path, byte[]... headerLines) throws IOException {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] line : headerLines) {
            req.writeBytes(line);
            req.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        req.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return raw(req.toByteArray());
    }
}
