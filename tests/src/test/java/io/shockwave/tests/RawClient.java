package io.shockwave.tests;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A client that writes exactly the bytes a test gives it and parses the response bytes
 * itself (RFC 9112): status line, header section, and a body delimited by
 * Content-Length, by chunked framing with trailers, or by the server closing. It is
 * strict where the server must be: every line ends in CRLF. Every read has a timeout.
 */
final class RawClient implements AutoCloseable {
    static final int READ_TIMEOUT_MILLIS = 5_000;
    private static final int MAX_LINE = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Connects to the IPv4 loopback. */
    static RawClient connect(int port) throws IOException {
        return connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
    }

    static RawClient connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, READ_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            return new RawClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Changes how long one read may wait before it fails with a timeout. */
    RawClient readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
        return this;
    }

    /** Sends {@code text} as ISO-8859-1, so {@code \0}, bare CR and the like go out as written. */
    RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one response to a request that was not HEAD. */
    RawResponse read() throws IOException {
        return read(false);
    }

    /** Reads one response to a HEAD request: it never has content (RFC 9110 §9.3.2). */
    RawResponse readHeadResponse() throws IOException {
        return read(true);
    }

    private RawResponse read(boolean toHead) throws IOException {
        String statusLine = readLine(true);
        if (!statusLine.matches("HTTP/1\\.[01] [1-5][0-9][0-9] .*")) {
            fail("not a status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        List<RawResponse.Field> headers = readFields();
        RawResponse head = new RawResponse(statusLine, status, headers, new byte[0], false, List.of());
        if (toHead || status < 200 || status == 204 || status == 304) {
            return head;
        }
        String te = head.header("Transfer-Encoding");
        if (te != null) {
            assertEquals("chunked", te.toLowerCase(Locale.ROOT).trim(), "only chunked is expected: " + head);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            List<RawResponse.Field> trailers = readChunks(body);
            return new RawResponse(statusLine, status, headers, body.toByteArray(), true, trailers);
        }
        String cl = head.header("Content-Length");
        if (cl != null) {
            int length = Integer.parseInt(cl);
            byte[] body = in.readNBytes(length);
            if (body.length != length) {
                throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
            }
            return new RawResponse(statusLine, status, headers, body, false, List.of());
        }
        // RFC 9112 §6.3: neither framing header, so the content ends when the server closes.
        return new RawResponse(statusLine, status, headers, in.readAllBytes(), false, List.of());
    }

    private List<RawResponse.Field> readChunks(ByteArrayOutputStream body) throws IOException {
        while (true) {
            String sizeLine = readLine(false);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            int size = Integer.parseInt(hex, 16);
            if (size == 0) {
                return readFields();
            }
            byte[] data = in.readNBytes(size);
            if (data.length != size) {
                throw new EOFException("connection closed inside a chunk");
            }
            body.write(data);
            String end = readLine(false);
            if (!end.isEmpty()) {
                fail("chunk data not followed by CRLF: " + end);
            }
        }
    }

    private List<RawResponse.Field> readFields() throws IOException {
        List<RawResponse.Field> fields = new ArrayList<>();
        while (true) {
            String line = readLine(false);
            if (line.isEmpty()) {
                return fields;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                fail("malformed field line: " + line);
            }
            fields.add(new RawResponse.Field(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
    }

    /** One line without its CRLF; a bare LF fails the test, since the server must send CRLF. */
    private String readLine(boolean first) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(first && line.size() == 0
                        ? "connection closed before a response"
                        : "connection closed inside a line: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
                    fail("line not ended by CRLF: " + line.toString(StandardCharsets.ISO_8859_1));
                }
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            if (line.size() > MAX_LINE) {
                fail("line longer than " + MAX_LINE + " bytes");
            }
        }
    }

    /**
     * Reads what the server sends next; fails unless it is the end of the stream, i.e. the
     * server closed the connection cleanly after everything it sent so far was read.
     */
    void assertClosedByServer() throws IOException {
        int b = in.read();
        if (b >= 0) {
            fail("expected the server to close the connection, but it sent more bytes, starting with " + b);
        }
    }

    /** Bytes already received and not yet parsed. */
    int buffered() throws IOException {
        return in.available();
    }

    /** Reads at least one and at most {@code max} raw bytes; -1 at the end of the stream. */
    int readRaw(byte[] buf, int max) throws IOException {
        return in.read(buf, 0, max);
    }

    int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
