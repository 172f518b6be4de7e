package io.shockwave.http1.internal;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;
import io.shockwave.runtime.Response;
import io.shockwave.runtime.Status;
import io.shockwave.runtime.spi.HttpDate;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A response written to an HTTP/1.1 connection (RFC 9112 §4, §6). The head goes into
 * the connection's write buffer when the response commits; fixed bodies follow it,
 * streamed ones are chunked, or on HTTP/1.0 delimited by closing the connection.
 *
 * <p>Only the engine finishes a response ({@link #finish}), once the handler returned and
 * the request body did not fail: closing {@link #output()} flushes what was written but
 * does not write the last chunk, so a handler that fails, or whose request body fails,
 * never leaves a response that looks complete. Until its first byte reaches the socket
 * the response can be {@linkplain #resetForError discarded} for the error handler's.
 */
public final class Http1Response implements Response {
    private static final byte[] DATE = ascii("Date: ");
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
    private static final byte[] CLOSE = ascii("Connection: close\r\n");
    private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] LAST_CHUNK = ascii("0\r\n");
    private static final byte[] COLON = ascii(": ");
    private static final String TEXT_PLAIN_UTF8 = "text/plain; charset=utf-8";

    private static final int NEW = 0;
    private static final int STREAMING = 1;
    private static final int DONE = 2;

    private final Http1Connection connection;
    private final OutputBuffer out;
    private final byte[] serverLine;
    /** {@code Alt-Svc} advertising HTTP/3, on TLS connections when the server serves it; else null. */
    private final byte[] altSvcLine;
    private final Headers headers = new Headers(64, 4);
    private Headers trailers;
    private final BodyOutput output = new BodyOutput();

    private Status status;
    private long contentLength;
    private int state;
    private boolean headRequest;
    private boolean http10;
    private boolean keepAlive;
    private boolean chunked;
    private boolean bodyAllowed;
    private long written;
    /** Where this response's head starts in the connection's output stream. */
    private long start;
    private boolean outputClosed;
    /** A framing error of the handler's (more bytes than declared), latched so it cannot be swallowed. */
    private IOException failure;

    Http1Response(Http1Connection connection, OutputBuffer out, byte[] serverHeader, byte[] altSvc) {
        this.connection = connection;
        this.out = out;
        this.serverLine = serverHeader == null ? null : line("Server: ", serverHeader);
        this.altSvcLine = altSvc == null ? null : line("Alt-Svc: ", altSvc);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] line(String prefix, byte[] value) {
        byte[] p = ascii(prefix);
        byte[] l = new byte[p.length + value.length + 2];
        System.arraycopy(p, 0, l, 0, p.length);
        System.arraycopy(value, 0, l, p.length, value.length);
        l[l.length - 2] = '\r';
        l[l.length - 1] = '\n';
        return l;
    }

    void reset(boolean headRequest, boolean http10, boolean keepAlive) {
        this.status = Status.OK;
        this.headers.clear();
        if (trailers != null) {
            trailers.clear();
        }
        this.contentLength = -1;
        this.state = NEW;
        this.headRequest = headRequest;
        this.http10 = http10;
        this.keepAlive = keepAlive;
        this.chunked = false;
        this.written = 0;
        this.outputClosed = false;
        this.failure = null;
    }

    /**
     * Prepares for the error handler after the exchange failed: what the handler wrote is
     * dropped from the write buffer. Only while {@link #reachedClient()} is false.
     */
    void resetForError() {
        if (state != NEW) {
            out.discardFrom(start);
        }
        headers.clear();
        if (trailers != null) {
            trailers.clear();
        }
        contentLength = -1;
        status = Status.INTERNAL_SERVER_ERROR;
        state = NEW;
        chunked = false;
        written = 0;
        outputClosed = false;
        failure = null;
    }

    /** Whether any byte of this response has been handed to the socket: it can no longer be taken back. */
    boolean reachedClient() {
        return state != NEW && out.sentFrom(start);
    }

    /** Whether the body is delimited by closing the connection (HTTP/1.0 without a length). */
    boolean isCloseDelimited() {
        return state != NEW && bodyAllowed && !chunked && contentLength < 0;
    }

    @Override
    public Response status(Status status) {
        checkNotCommitted();
        this.status = status;
        return this;
    }

    @Override
    public Status status() {
        return status;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public Headers trailers() {
        if (trailers == null) {
            trailers = new Headers(64, 4);
        }
        return trailers;
    }

    @Override
    public Response contentLength(long length) {
        checkNotCommitted();
        this.contentLength = length < 0 ? -1 : length;
        return this;
    }

    @Override
    public boolean isCommitted() {
        return state != NEW;
    }

    /** The body bytes of this response, for the exchange's observers: 0 when it may carry none. */
    long bodyBytes() {
        if (!bodyAllowed) {
            return 0;
        }
        return written > 0 || chunked ? written : Math.max(0, contentLength);
    }

    boolean isDone() {
        return state == DONE;
    }

    /** Whether the connection may serve another request after this response. */
    boolean keepsAlive() {
        return keepAlive;
    }

    @Override
    public void send(byte[] body) {
        send(body, 0, body.length);
    }

    @Override
    public void send(byte[] body, int offset, int length) {
        checkNotCommitted();
        java.util.Objects.checkFromIndexSize(offset, length, body.length);
        try {
            writeHead(length);
            if (bodyAllowed) {
                out.write(body, offset, length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        state = DONE;
    }

    @Override
    public void send(String body) {
        checkNotCommitted();
        if (!headers.contains(HeaderName.CONTENT_TYPE)) {
            headers.set(HeaderName.CONTENT_TYPE, TEXT_PLAIN_UTF8);
        }
        try {
            writeHead(OutputBuffer.utf8Length(body));
            if (bodyAllowed) {
                out.writeUtf8(body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        state = DONE;
    }

    /** By {@code sendfile(2)} where the channel can (cleartext on epoll); else copied through the buffers. */
    @Override
    public void sendFile(java.nio.file.Path file, long position, long count) throws IOException {
        checkNotCommitted();
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("a negative file position or count");
        }
        if (!java.nio.file.Files.isRegularFile(file)) {
            // Checked before the head is written: a directory opens, and fails only once sending.
            throw new java.io.FileNotFoundException(file + " is not a regular file");
        }
        if (!connection.canSendFile()) {
            Response.super.sendFile(file, position, count);
            return;
        }
        writeHead(count);
        state = STREAMING;
        if (bodyAllowed && count > 0) {
            out.sendFile(file, position, count);
        }
        written = count;
        state = DONE;
    }

    @Override
    public OutputStream output() {
        if (state == DONE) {
            throw new IllegalStateException("the response was already sent");
        }
        return output;
    }

    /**
     * Ends the response once the exchange succeeded: an empty body if the handler sent
     * nothing, else the end of the stream (the last chunk and trailers). Throws if the
     * handler broke the framing it declared; the engine then fails the exchange.
     */
    void finish() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (state == NEW) {
            if (contentLength > 0 && status.allowsContent() && !headRequest) {
                throw new IllegalStateException("Content-Length " + contentLength + " declared and no body written");
            }
            writeHead(contentLength < 0 ? 0 : contentLength);
        } else if (state == STREAMING) {
            if (chunked) {
                out.closeChunk();
                out.write(LAST_CHUNK);
                if (trailers != null) {
                    writeFields(trailers);
                }
                out.crlf();
            } else if (bodyAllowed && contentLength >= 0 && written < contentLength) {
                throw new IllegalStateException("body of " + written + " bytes is shorter than the declared Content-Length "
                        + contentLength);
            }
        }
        state = DONE;
    }

    private void checkNotCommitted() {
        if (state != NEW) {
            throw new IllegalStateException("the response is already committed");
        }
    }

    /** Writes the status line and header section; {@code length} -1 means not known. */
    private void writeHead(long length) throws IOException {
        int userLength = headers.indexOf(HeaderName.CONTENT_LENGTH);
        if (userLength >= 0) {
            if (length < 0) {
                length = parseLength(headers.get(HeaderName.CONTENT_LENGTH));
            }
            headers.remove(HeaderName.CONTENT_LENGTH);
        }
        headers.remove(HeaderName.TRANSFER_ENCODING);
        if (headers.indexOf(HeaderName.CONNECTION) >= 0) {
            if (headers.containsToken(HeaderName.CONNECTION, "close")) {
                keepAlive = false;
            }
            headers.remove(HeaderName.CONNECTION);
        }
        if (connection.mustClose()) {
            keepAlive = false;
        }
        bodyAllowed = status.allowsContent() && !headRequest;

        OutputBuffer o = out;
        start = o.position();
        o.write(status.http11StatusLine());
        o.write(DATE);
        o.write(HttpDate.now());
        o.crlf();
        if (serverLine != null) {
            o.write(serverLine);
        }
        if (altSvcLine != null) {
            o.write(altSvcLine);
        }
        writeFields(headers);
        if (status.allowsContent()) {
            if (length >= 0) {
                o.write(CONTENT_LENGTH);
                o.writeDecimal(length);
                o.crlf();
                contentLength = length;
            } else if (headRequest) {
                contentLength = -1; // RFC 9110 §9.3.2: a HEAD response need not know the length
            } else if (!http10) {
                o.write(CHUNKED);
                chunked = true;
            } else {
                keepAlive = false; // RFC 9112 §6.3: the body ends when the connection closes
            }
        }
        if (!keepAlive) {
            o.write(CLOSE);
        } else if (http10) {
            o.write(KEEP_ALIVE);
        }
        o.crlf();
        connection.stats().response(status.code());
    }

    private void writeFields(Headers fields) throws IOException {
        byte[] data = fields.rawData();
        for (int i = 0, n = fields.size(); i < n; i++) {
            out.write(data, fields.nameOffset(i), fields.nameLength(i));
            out.write(COLON);
            out.write(data, fields.valueOffset(i), fields.valueLength(i));
            out.crlf();
        }
    }

    private static long parseLength(String value) {
        try {
            long v = Long.parseLong(value.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new IllegalStateException("invalid Content-Length header set by the handler: " + value);
    }

    /** The streaming body; one instance per connection, reused for every response. */
    private final class BodyOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            byte[] one = connection.oneByte();
            one[0] = (byte) b;
            write(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (failure != null) {
                throw failure;
            }
            if (outputClosed) {
                throw new IOException("the response body stream is closed");
            }
            if (state == DONE) {
                throw new IOException("the response is complete");
            }
            if (state == NEW) {
                writeHead(contentLength);
                state = STREAMING;
            }
            if (!bodyAllowed || len == 0) {
                return;
            }
            if (chunked) {
                out.writeChunked(b, off, len);
            } else {
                if (contentLength >= 0 && written + len > contentLength) {
                    failure = new IOException("body longer than the declared Content-Length " + contentLength);
                    throw failure;
                }
                out.write(b, off, len);
            }
            written += len;
        }

        @Override
        public void flush() throws IOException {
            if (outputClosed || failure != null) {
                return;
            }
            if (state == NEW) {
                writeHead(contentLength);
                state = STREAMING;
            }
            if (state == STREAMING) {
                out.flush();
            }
        }

        /**
         * Ends writing and pushes what was written towards the client; the response is
         * finished by the engine once the handler returns. Nothing is pushed when nothing
         * was written (the engine sends the head then) or when the exchange has already
         * failed: a try-with-resources closing the stream while a body failure unwinds
         * must not put the response on the wire before the error handler can replace it.
         */
        @Override
        public void close() throws IOException {
            if (outputClosed || state == DONE) {
                return;
            }
            outputClosed = true;
            if (state == STREAMING && failure == null && !connection.exchangeFailed()) {
                out.flush();
            }
        }
    }
}
