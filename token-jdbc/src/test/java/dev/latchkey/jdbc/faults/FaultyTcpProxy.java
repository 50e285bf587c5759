package dev.latchkey.jdbc.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy for fault tests: it listens on a free loopback port in front of a real server on loopback, and the
 * test decides what happens to the traffic, the way a sick network or a hung database would:
 * <ul>
 *   <li>{@link #pass()}: new connections are forwarded (the default);</li>
 *   <li>{@link #refuse()}: new connections are reset at once (a database that is down);</li>
 *   <li>{@link #hang()}: new connections are accepted and never answered (a hung server or a black-holed path);</li>
 *   <li>{@link Link#freeze()} / {@link #freezeAll()}: an existing connection stops forwarding in both directions,
 *       holding what it read, until {@link Link#thaw()} (a stuck session);</li>
 *   <li>{@link #resetAll()}: every existing connection is reset (a failover, a restarted server);</li>
 *   <li>{@link #answerHeld()}: the connections held by {@link #hang()} are forwarded after all, with what they
 *       sent meanwhile (a hung server that answers again).</li>
 * </ul>
 * Nothing else is dropped or changed. Threads are bounded: two per forwarded connection, at most
 * {@code maxConnections} connections (more are reset); {@link #close()} resets everything and stops every thread.
 *
 * <pre>{@code
 * try (FaultyTcpProxy proxy = FaultyTcpProxy.inFrontOf("127.0.0.1", 5432)) {
 *     DataSource ds = new SimpleDataSource(proxy.jdbcUrl("jdbc:postgresql://127.0.0.1:5432/test"), "postgres", "");
 *     proxy.hang();
 *     ...
 * }
 * }</pre>
 */
public final class FaultyTcpProxy implements AutoCloseable {
    /** What happens to a new connection. */
    public enum Mode { PASS, REFUSE, HANG }

    private static final Pattern AUTHORITY = Pattern.compile("^(jdbc:[a-z0-9]+:(?:[a-z0-9]+:)?//)([^/:?;]+)(?::(\\d+))?");
    private static final int BUFFER = 16 * 1024;

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final int maxConnections;
    private final ThreadPoolExecutor threads;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Mode mode = Mode.PASS;
    private volatile boolean closed;

    private FaultyTcpProxy(InetSocketAddress target, int maxConnections) throws IOException {
        this.target = target;
        this.maxConnections = maxConnections;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, 2 * maxConnections, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "faulty-proxy-" + server.getLocalPort() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "faulty-proxy-" + server.getLocalPort() + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * A proxy on a free loopback port forwarding to {@code host:port}, which must be a loopback address (fault
     * tests never reach beyond this machine); at most 32 connections at once.
     */
    public static FaultyTcpProxy inFrontOf(String host, int port) throws IOException {
        return inFrontOf(host, port, 32);
    }

    /** As {@link #inFrontOf(String, int)}, with a connection limit. */
    public static FaultyTcpProxy inFrontOf(String host, int port, int maxConnections) throws IOException {
        Objects.requireNonNull(host, "host");
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the fault proxy only forwards to loopback, not " + host);
        }
        if (port < 1 || port > 65535 || maxConnections < 1 || maxConnections > 1024) {
            throw new IllegalArgumentException("port 1..65535 and maxConnections 1..1024, were " + port + ", " + maxConnections);
        }
        return new FaultyTcpProxy(new InetSocketAddress(address, port), maxConnections);
    }

    /** A proxy in front of the server a JDBC URL names ({@code jdbc:postgresql://127.0.0.1:5432/test}). */
    public static FaultyTcpProxy inFrontOf(String jdbcUrl) throws IOException {
        Matcher m = AUTHORITY.matcher(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
        if (!m.find() || m.group(3) == null) {
            throw new IllegalArgumentException("expected a JDBC URL with //host:port, was " + jdbcUrl);
        }
        return inFrontOf(m.group(2), Integer.parseInt(m.group(3)));
    }

    /** {@code jdbcUrl} with its host and port replaced by this proxy's. */
    public String jdbcUrl(String jdbcUrl) {
        Matcher m = AUTHORITY.matcher(Objects.requireNonNull(jdbcUrl, "jdbcUrl"));
        if (!m.find()) {
            throw new IllegalArgumentException("expected a JDBC URL with //host:port, was " + jdbcUrl);
        }
        return m.group(1) + "127.0.0.1:" + port() + jdbcUrl.substring(m.end());
    }

    /** The loopback port the proxy listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** New connections are forwarded. */
    public void pass() {
        mode = Mode.PASS;
    }

    /** New connections are reset as soon as they are accepted. Existing ones are left alone. */
    public void refuse() {
        mode = Mode.REFUSE;
    }

    /** New connections are accepted and never answered (nothing is forwarded). Existing ones are left alone. */
    public void hang() {
        mode = Mode.HANG;
    }

    public Mode mode() {
        return mode;
    }

    /** How many connections were accepted so far, whatever happened to them. */
    public int acceptedCount() {
        return accepted.get();
    }

    /** The forwarded connections still open, oldest first. */
    public List<Link> connections() {
        List<Link> list = new ArrayList<>(links);
        list.sort(Comparator.comparingInt(Link::id));
        return list;
    }

    /** Freezes every forwarded connection open now (new ones are not affected). */
    public void freezeAll() {
        links.forEach(Link::freeze);
    }

    /** Thaws every frozen connection. */
    public void thawAll() {
        links.forEach(Link::thaw);
    }

    /**
     * Forwards the connections {@link #hang()} holds, starting with what their clients sent while held (a hung
     * server that answers again, rather than one that drops what was waiting); a client that gave up meanwhile
     * finds its connection closed. New connections still follow the {@linkplain #mode() mode}.
     */
    public void answerHeld() {
        for (Socket s : List.copyOf(held)) {
            if (held.remove(s)) {
                forward(s);
            }
        }
    }

    /** Resets every open connection, forwarded or hung. */
    public void resetAll() {
        links.forEach(Link::reset);
        held.forEach(FaultyTcpProxy::reset);
        held.clear();
    }

    /** Stops listening, resets every connection and stops every thread (waiting up to 5 s). Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listening socket does not fail in a way that matters here
        }
        resetAll();
        threads.shutdownNow();
        try {
            acceptor.join(5_000);
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True once every thread of the proxy has ended (after {@link #close()}). */
    public boolean isTerminated() {
        return !acceptor.isAlive() && threads.isTerminated();
    }

    @Override
    public String toString() {
        return "FaultyTcpProxy[127.0.0.1:" + port() + " -> " + target + ", mode=" + mode + ", open=" + links.size() + "]";
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Mode now = mode;
            if (now == Mode.REFUSE || links.size() + held.size() >= maxConnections) {
                reset(client);
            } else if (now == Mode.HANG) {
                held.add(client);
                if (closed) {
                    resetAll();
                }
            } else {
                forward(client);
            }
        }
    }

    private void forward(Socket client) {
        Link link = new Link(ids.incrementAndGet(), client);
        links.add(link);
        try {
            threads.execute(link::connectAndForward);
        } catch (RejectedExecutionException e) {
            link.reset();
        }
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0); // close with RST, as a crashed peer or a firewall would
        } catch (SocketException ignored) {
            // already closed
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** One forwarded connection: client socket, upstream socket, and whether forwarding is frozen. */
    public final class Link {
        private final int id;
        private final Socket client;
        private volatile Socket upstream;
        private boolean frozen;
        private volatile boolean done;

        private Link(int id, Socket client) {
            this.id = id;
            this.client = client;
        }

        /** Accept order, from 1. */
        public int id() {
            return id;
        }

        /** Stops forwarding in both directions; what was read is held until {@link #thaw()}. */
        public synchronized void freeze() {
            frozen = true;
        }

        /** Forwards again, starting with what was held. */
        public synchronized void thaw() {
            frozen = false;
            notifyAll();
        }

        public synchronized boolean isFrozen() {
            return frozen;
        }

        public boolean isOpen() {
            return !done;
        }

        /** Resets both sides of this connection. */
        public void reset() {
            synchronized (this) {
                done = true;
                notifyAll();
            }
            links.remove(this);
            FaultyTcpProxy.reset(client);
            Socket up = upstream;
            if (up != null) {
                FaultyTcpProxy.reset(up);
            }
        }

        private void connectAndForward() {
            Socket up = new Socket();
            try {
                up.connect(target, 5_000);
                up.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                FaultyTcpProxy.reset(up);
                reset();
                return;
            }
            upstream = up;
            if (done) { // reset while connecting
                reset();
                return;
            }
            try {
                threads.execute(() -> pump(up, client));
            } catch (RejectedExecutionException e) {
                reset();
                return;
            }
            pump(client, up);
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[BUFFER];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!awaitThawed()) {
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // a side went away: the connection ends as a whole
            } finally {
                reset();
            }
        }

        /** Waits while frozen; false when the link was reset or the proxy closed meanwhile. */
        private synchronized boolean awaitThawed() {
            while (frozen && !done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !done;
        }

        @Override
        public String toString() {
            return "Link[" + id + (isFrozen() ? ", frozen" : "") + (done ? ", closed" : "") + "]";
        }
    }
}
