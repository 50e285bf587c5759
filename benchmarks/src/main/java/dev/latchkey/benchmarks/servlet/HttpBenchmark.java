package dev.latchkey.benchmarks.servlet;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.benchmarks.CountingAuditSink;
import dev.latchkey.benchmarks.CountingTokenStore;
import dev.latchkey.benchmarks.Scenario;
import dev.latchkey.core.Actor;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.bitbucket.BitbucketRequestClassifier;
import dev.latchkey.servlet.ClientIpResolver;
import dev.latchkey.servlet.ForwardedHeader;
import dev.latchkey.servlet.LatchkeyFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Requests per second to a trivial endpoint (a servlet writing {@code ok}) on embedded Jetty 12 (ee10) over
 * loopback, with {@code filter=none} and with {@code filter=latchkey} ({@link LatchkeyFilter} in front, on
 * {@code /*}). The same client sends the same request in both: {@code GET} of the {@link Scenario} path with
 * {@code Authorization: Bearer <token>} and {@code X-Forwarded-For: 10.1.2.3}; with the filter, 127.0.0.1 is
 * a trusted proxy, so the decision is exactly the hot path's (the token's CIDRs, the Bitbucket scope check).
 *
 * <p>The client is a minimal HTTP/1.1 keep-alive client on one socket (write the request, read the headers
 * and the {@code Content-Length} body), so client overhead is as small as it can be and the filter's share of
 * each request is not hidden behind a heavy client. One client thread; server and client share the
 * machine's cores.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar HttpBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class HttpBenchmark {

    @Param({"none", "latchkey"})
    public String filter;

    public Latchkey latchkey;
    public CountingTokenStore store;
    private Server server;
    public int port;

    /** A servlet that only answers {@code ok}, and records who it saw (for the setup test). */
    public static final class OkServlet extends HttpServlet {
        private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);
        public volatile String lastRemoteUser;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            lastRemoteUser = req.getRemoteUser();
            res.setContentType("text/plain");
            res.setContentLength(OK.length);
            res.getOutputStream().write(OK);
        }
    }

    public OkServlet servlet;
    private String token;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        store = new CountingTokenStore(new InMemoryTokenStore());
        latchkey = Latchkey.builder()
                .store(store)
                .directory(new InMemoryUserDirectory().add(Scenario.OWNER, "developers"))
                .auditSink(new CountingAuditSink())
                .classifier(new BitbucketRequestClassifier())
                .build();
        token = latchkey.tokens().create(Actor.user(Scenario.OWNER),
                NewToken.builder("ci", Scenario.SCOPE.level()).resources(Scenario.SCOPE.resources())
                        .allowedCidrs(Scenario.TOKEN_CIDRS).build()).secret().reveal();

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        servlet = new OkServlet();
        context.addServlet(new ServletHolder(servlet), "/*");
        switch (filter) {
            case "none" -> {
            }
            case "latchkey" -> context.addFilter(new FilterHolder(LatchkeyFilter.builder(latchkey)
                    .clientIpResolver(ClientIpResolver.builder().trustedProxies("127.0.0.1/32")
                            .header(ForwardedHeader.X_FORWARDED_FOR).build())
                    .build()), "/*", EnumSet.of(DispatcherType.REQUEST));
            default -> throw new IllegalArgumentException("filter must be none or latchkey, was " + filter);
        }
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
        warmUp(Duration.ofMillis(Long.getLong("latchkey.bench.http.warmupMillis", 5000)));
    }

    /**
     * Loopback throughput climbs for the first few seconds and then settles lower (JIT and Jetty's execution
     * strategy settle); the quick profile's 3 s of warm-up iterations caught the peak, not the steady state.
     * So setup sends requests for a few seconds first, on its own connection, with the same client code.
     */
    private void warmUp(Duration duration) throws IOException {
        Client c = new Client();
        c.connect(this);
        try {
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                if (c.exchange() != 200) {
                    throw new IllegalStateException("the endpoint did not answer 200 (filter=" + filter + ")");
                }
            }
        } finally {
            c.close();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (latchkey != null) {
            latchkey.close();
        }
    }

    /** One keep-alive connection per benchmark thread. */
    @State(Scope.Thread)
    public static class Client {
        private Socket socket;
        private OutputStream out;
        private InputStream in;
        private byte[] request;
        private final byte[] buffer = new byte[8192];

        @Setup(Level.Trial)
        public void connect(HttpBenchmark b) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), b.port);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 8192);
            request = ("GET " + Scenario.PATH + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + b.port + "\r\n"
                    + "Authorization: Bearer " + b.token + "\r\n"
                    + "X-Forwarded-For: " + Scenario.CLIENT_IP + "\r\n"
                    + "User-Agent: latchkey-bench\r\n"
                    + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
            }
        }

        /** Sends the request and reads one response; returns its status code. */
        public int exchange() throws IOException {
            out.write(request);
            out.flush();
            // status line and headers, up to the empty line
            int status = -1;
            int contentLength = 0;
            int lineLen = 0;
            boolean firstLine = true;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("the server closed the connection");
                }
                if (c == '\n') {
                    int len = lineLen > 0 && buffer[lineLen - 1] == '\r' ? lineLen - 1 : lineLen;
                    if (len == 0) {
                        break;
                    }
                    if (firstLine) {
                        // HTTP/1.1 200 OK
                        status = (buffer[9] - '0') * 100 + (buffer[10] - '0') * 10 + (buffer[11] - '0');
                        firstLine = false;
                    } else if (len > 15 && startsWithIgnoreCase(buffer, "content-length:")) {
                        contentLength = Integer.parseInt(new String(buffer, 15, len - 15, StandardCharsets.US_ASCII).trim());
                    }
                    lineLen = 0;
                } else if (lineLen < buffer.length) {
                    buffer[lineLen++] = (byte) c;
                }
            }
            for (int remaining = contentLength; remaining > 0; ) {
                int n = in.read(buffer, 0, Math.min(buffer.length, remaining));
                if (n < 0) {
                    throw new IOException("the server closed the connection mid-body");
                }
                remaining -= n;
            }
            return status;
        }

        private static boolean startsWithIgnoreCase(byte[] b, String prefix) {
            for (int i = 0; i < prefix.length(); i++) {
                if (Character.toLowerCase(b[i]) != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    @Benchmark
    public int request(Client client) throws IOException {
        return client.exchange();
    }

    /** The token, for the setup test. */
    String token() {
        return token;
    }
}
