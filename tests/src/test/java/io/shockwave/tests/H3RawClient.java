package io.shockwave.tests;

import tech.kwik.core.ConnectionListener;
import tech.kwik.core.ConnectionTerminatedEvent;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.qpack.Decoder;
import tech.kwik.qpack.Encoder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A QUIC connection (Kwik's client) that speaks HTTP/3 frame by frame, for tests that send
 * what a well-behaved client would not: frames out of order, malformed field sections,
 * partial requests. It opens its own control stream with an empty SETTINGS, as RFC 9114
 * requires, unless told not to.
 */
final class H3RawClient implements AutoCloseable {
    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int SETTINGS = 0x4;

    final QuicClientConnection quic;
    /** Completes when the connection ends, with who closed it and the error code. */
    final CompletableFuture<ConnectionTerminatedEvent> terminated = new CompletableFuture<>();
    private QuicStream control;

    private H3RawClient(QuicClientConnection quic) {
        this.quic = quic;
    }

    static H3RawClient connect(int port) throws IOException {
        return connectRaw(port, new byte[] {0x00, SETTINGS, 0x00});
    }

    /** Connects and opens the client's control stream with {@code control} (its type byte first). */
    static H3RawClient connectRaw(int port, byte[] control) throws IOException {
        QuicClientConnection quic = QuicClientConnection.newBuilder()
                .uri(URI.create("https://127.0.0.1:" + port))
                .applicationProtocol("h3")
                .noServerCertificateCheck()
                .connectTimeout(Duration.ofSeconds(5))
                .maxIdleTimeout(Duration.ofSeconds(30))
                .build();
        H3RawClient c = new H3RawClient(quic);
        quic.setConnectionListener(new ConnectionListener() {
            @Override
            public void disconnected(ConnectionTerminatedEvent event) {
                c.terminated.complete(event);
            }
        });
        quic.setPeerInitiatedStreamCallback(s -> drain(s.getInputStream()));
        quic.connect();
        c.control = c.unidirectional(control);
        return c;
    }

    /** Reads and drops what the server sends on its unidirectional streams. */
    private static void drain(InputStream in) {
        Thread.ofVirtual().start(() -> {
            try {
                in.transferTo(OutputSink.INSTANCE);
            } catch (IOException ignored) {
                // the connection ended
            }
        });
    }

    private static final class OutputSink extends java.io.OutputStream {
        static final OutputSink INSTANCE = new OutputSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    QuicStream control() {
        return control;
    }

    /** Opens a unidirectional stream and writes {@code bytes} on it (its type first), left open. */
    QuicStream unidirectional(byte[] bytes) throws IOException {
        QuicStream s = quic.createStream(false);
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        return s;
    }

    /** Opens a request stream, writes {@code bytes}, and closes its output when {@code fin}. */
    QuicStream request(byte[] bytes, boolean fin) throws IOException {
        QuicStream s = quic.createStream(true);
        s.getOutputStream().write(bytes);
        if (fin) {
            s.getOutputStream().close();
        } else {
            s.getOutputStream().flush();
        }
        return s;
    }

    /** A frame: type, length, payload. */
    static byte[] frame(int type, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, type);
        writeVarint(out, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** A HEADERS frame of these name/value pairs, QPACK-encoded with the static table and literals. */
    static byte[] headers(String... nameValues) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            fields.add(Map.entry(nameValues[i], nameValues[i + 1]));
        }
        ByteBuffer b = Encoder.newBuilder().build().compressHeaders(fields);
        byte[] block = new byte[b.limit()];
        b.get(0, block);
        return frame(HEADERS, block);
    }

    /** A GET of {@code path} with the pseudo-header fields a client sends, then {@code extra} fields. */
    static byte[] get(String path, String... extra) {
        String[] all = new String[8 + extra.length];
        String[] pseudo = {":method", "GET", ":scheme", "https", ":authority", "localhost", ":path", path};
        System.arraycopy(pseudo, 0, all, 0, 8);
        System.arraycopy(extra, 0, all, 8, extra.length);
        return headers(all);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static void writeVarint(ByteArrayOutputStream out, long v) {
        if (v < 0x40) {
            out.write((int) v);
        } else if (v < 0x4000) {
            out.write((int) (0x40 | v >> 8));
            out.write((int) v);
        } else {
            out.write((int) (0x80 | v >> 24));
            out.write((int) (v >> 16));
            out.write((int) (v >> 8));
            out.write((int) v);
        }
    }

    /** What a request stream answered: status, fields, body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Reads the response on {@code s} to its end; throws if the server reset the stream. */
    static Response read(QuicStream s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        int status = -1;
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            long type = readVarint(in, true);
            if (type < 0) {
                return new Response(status, headers, body.toByteArray());
            }
            long length = readVarint(in, false);
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if (type == HEADERS) {
                for (Map.Entry<String, String> f : Decoder.newBuilder().build()
                        .decodeStream(new ByteArrayInputStream(payload))) {
                    if (f.getKey().equals(":status")) {
                        status = Integer.parseInt(f.getValue());
                    } else {
                        headers.put(f.getKey(), f.getValue());
                    }
                }
            } else if (type == DATA) {
                body.writeBytes(payload);
            }
        }
    }

    private static long readVarint(InputStream in, boolean endAllowed) throws IOException {
        int first = in.read();
        if (first < 0) {
            if (endAllowed) {
                return -1;
            }
            throw new EOFException();
        }
        int n = 1 << (first >>> 6);
        long v = first & 0x3F;
        for (int i = 1; i < n; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            v = v << 8 | b;
        }
        return v;
    }

    @Override
    public void close() {
        quic.close();
    }
}
