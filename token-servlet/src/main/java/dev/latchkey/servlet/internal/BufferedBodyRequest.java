package dev.latchkey.servlet.internal;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A request whose body the classifier may read (a Git LFS batch request says in its JSON whether it downloads
 * or uploads): at most {@link #LIMIT} bytes are buffered before authentication and replayed to the host, followed
 * by the rest of the original stream, so the host still reads the whole body. A body longer than the bound, or
 * one that failed to read, is offered to the classifier as absent (it then decides the stricter way).
 */
public final class BufferedBodyRequest extends HttpServletRequestWrapper {
    /** The most the classifier is shown: LFS batch requests are small JSON documents. */
    public static final int LIMIT = 64 * 1024;

    private final byte[] prefix;
    private final boolean complete;
    private boolean streamHandedOut;

    private BufferedBodyRequest(HttpServletRequest request, byte[] prefix, boolean complete) {
        super(request);
        this.prefix = prefix;
        this.complete = complete;
    }

    /** Reads up to {@code limit} bytes (plus one, to know whether there is more) of {@code request}'s body. */
    public static BufferedBodyRequest read(HttpServletRequest request, int limit) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(Math.min(limit + 1, 8192));
        boolean complete = false;
        try {
            InputStream in = request.getInputStream();
            byte[] chunk = new byte[8192];
            while (buf.size() <= limit) {
                int n = in.read(chunk, 0, Math.min(chunk.length, limit + 1 - buf.size()));
                if (n < 0) {
                    complete = true;
                    break;
                }
                buf.write(chunk, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            complete = false; // the host will meet the same failure when it reads; the classifier sees no body
        }
        return new BufferedBodyRequest(request, buf.toByteArray(), complete);
    }

    /** The whole body if it ended within the bound, else empty. */
    public Optional<byte[]> body() {
        return complete ? Optional.of(prefix.clone()) : Optional.empty();
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        streamHandedOut = true;
        return new Replay(prefix, complete ? null : super.getInputStream());
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (streamHandedOut) {
            throw new IllegalStateException("getInputStream() was already called");
        }
        String enc = getCharacterEncoding();
        Charset cs = enc == null ? StandardCharsets.ISO_8859_1 : Charset.forName(enc);
        return new BufferedReader(new InputStreamReader(getInputStream(), cs));
    }

    /** The buffered prefix, then (if the body was longer) the rest of the container's stream. */
    private static final class Replay extends ServletInputStream {
        private final byte[] prefix;
        private final ServletInputStream rest;
        private int pos;

        Replay(byte[] prefix, ServletInputStream rest) {
            this.prefix = prefix;
            this.rest = rest;
        }

        @Override
        public int read() throws IOException {
            if (pos < prefix.length) {
                return prefix[pos++] & 0xff;
            }
            return rest == null ? -1 : rest.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos < prefix.length) {
                int n = Math.min(len, prefix.length - pos);
                System.arraycopy(prefix, pos, b, off, n);
                pos += n;
                return n;
            }
            return rest == null ? -1 : rest.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
            return pos >= prefix.length && (rest == null || rest.isFinished());
        }

        @Override
        public boolean isReady() {
            return pos < prefix.length || rest == null || rest.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new IllegalStateException("asynchronous reads are not supported on a request whose body "
                    + "Latchkey inspected");
        }
    }
}
