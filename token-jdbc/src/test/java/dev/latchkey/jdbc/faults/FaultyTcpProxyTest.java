package dev.latchkey.jdbc.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy itself, in front of a loopback echo server. */
class FaultyTcpProxyTest {
    private ServerSocket echo;
    private Thread echoThread;
    private final AtomicInteger echoConnections = new AtomicInteger();
    private FaultyTcpProxy proxy;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    echoConnections.incrementAndGet();
                    Thread t = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // the test or the proxy reset it
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        echoThread.setDaemon(true);
        echoThread.start();
        proxy = FaultyTcpProxy.inFrontOf("127.0.0.1", echo.getLocalPort(), 4);
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(300);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        byte[] b = s.getInputStream().readNBytes(text.length());
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void passWhenForwardingThenBytesRoundTrip() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
        }
        assertThat(proxy.acceptedCount()).isEqualTo(1);
    }

    @Test
    void freezeWhenOneConnectionFrozenThenOnlyItStopsAndThawDeliversWhatWasHeld() throws Exception {
        try (Socket a = connect(); Socket b = connect()) {
            assertThat(roundTrip(a, "a1")).isEqualTo("a1");
            assertThat(roundTrip(b, "b1")).isEqualTo("b1");
            proxy.connections().get(0).freeze();
            assertThatThrownBy(() -> roundTrip(a, "a2")).isInstanceOf(SocketTimeoutException.class);
            assertThat(roundTrip(b, "b2")).as("the other connection is not affected").isEqualTo("b2");
            proxy.thawAll();
            assertThat(new String(a.getInputStream().readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("a2");
        }
    }

    @Test
    void refuseWhenNewConnectionThenResetButExistingOnesKeepWorking() throws IOException {
        try (Socket old = connect()) {
            assertThat(roundTrip(old, "x")).isEqualTo("x");
            proxy.refuse();
            try (Socket s = connect()) {
                assertThatThrownBy(() -> {
                    if (s.getInputStream().read() < 0) {
                        throw new IOException("closed");
                    }
                }).isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class);
            }
            assertThat(roundTrip(old, "y")).isEqualTo("y");
        }
        assertThat(echoConnections.get()).isEqualTo(1);
    }

    @Test
    void hangWhenNewConnectionThenAcceptedButNeverAnsweredNorForwarded() throws Exception {
        proxy.hang();
        try (Socket s = connect()) {
            assertThatThrownBy(() -> roundTrip(s, "ping")).isInstanceOf(SocketTimeoutException.class);
            assertThat(echoConnections.get()).isZero();
            proxy.resetAll();
            assertThatThrownBy(() -> {
                if (s.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            }).isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void answerHeldWhenConnectionsWereHungThenWhatTheySentIsForwardedAndTheyWork() throws Exception {
        proxy.hang();
        try (Socket s = connect()) {
            s.getOutputStream().write("early".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(echoConnections.get()).isZero();
            proxy.pass();
            proxy.answerHeld();
            assertThat(new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
                    .as("what was sent while held arrives first").isEqualTo("early");
            assertThat(roundTrip(s, "late")).isEqualTo("late");
            assertThat(echoConnections.get()).isEqualTo(1);
        }
    }

    @Test
    void resetAllWhenConnectionsOpenThenEachIsClosedAndNewOnesWork() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
            proxy.resetAll();
            assertThatThrownBy(() -> roundTrip(s, "again")).isInstanceOf(IOException.class)
                    .isNotInstanceOf(SocketTimeoutException.class);
        }
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "new")).isEqualTo("new");
        }
    }

    @Test
    void connectWhenMoreThanMaxConnectionsThenExtraOnesAreResetSoThreadsStayBounded() throws IOException {
        Socket[] open = new Socket[4];
        for (int i = 0; i < open.length; i++) {
            open[i] = connect();
            assertThat(roundTrip(open[i], "k")).isEqualTo("k");
        }
        try (Socket extra = connect()) {
            assertThatThrownBy(() -> roundTrip(extra, "z")).isInstanceOf(IOException.class)
                    .isNotInstanceOf(SocketTimeoutException.class);
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    @Test
    void closeWhenConnectionsOpenThenEveryThreadEndsAndPortStopsAccepting() throws Exception {
        Socket s = connect();
        assertThat(roundTrip(s, "x")).isEqualTo("x");
        proxy.freezeAll();
        proxy.close();
        assertThat(proxy.isTerminated()).isTrue();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), proxy.port()).close()).isInstanceOf(IOException.class);
        s.close();
    }

    @Test
    void inFrontOfWhenTargetNotLoopbackThenRejected() {
        assertThatThrownBy(() -> FaultyTcpProxy.inFrontOf("192.0.2.1", 5432)).isInstanceOf(IllegalArgumentException.class);
        assertThat(proxy.jdbcUrl("jdbc:postgresql://127.0.0.1:5432/test?socketTimeout=1"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?socketTimeout=1");
        assertThat(proxy.jdbcUrl("jdbc:mariadb://localhost:3306/test"))
                .isEqualTo("jdbc:mariadb://127.0.0.1:" + proxy.port() + "/test");
    }
}
