package io.shockwave.tests;

import io.shockwave.http2.hpack.HpackDecoder;
import io.shockwave.http2.hpack.HpackEncoder;
import io.shockwave.http2.hpack.HpackException;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An HTTP/2 client at the frame level, for tests that send exactly the frames an RFC
 * clause talks about and check the server's answer. Header blocks are encoded and
 * decoded with the project's HPACK, which is tested against RFC 7541's own examples.
 */
final class FrameClient implements AutoCloseable {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final int DATA = 0, HEADERS = 1, PRIORITY = 2, RST_STREAM = 3, SETTINGS = 4, PUSH_PROMISE = 5,
            PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8, CONTINUATION = 9;
    static final int END_STREAM = 1, ACK = 1, END_HEADERS = 4, PADDED = 8, PRIORITY_FLAG = 0x20;
    static final int NO_ERROR = 0, PROTOCOL_ERROR = 1, INTERNAL_ERROR = 2, FLOW_CONTROL_ERROR = 3,
            STREAM_CLOSED = 5, FRAME_SIZE_ERROR = 6, REFUSED_STREAM = 7, CANCEL = 8, COMPRESSION_ERROR = 9,
            ENHANCE_YOUR_CALM = 11;

    /**
     * A frame as read. A header block is decoded as soon as its last frame arrives, since
     * HPACK's table depends on the order of blocks: {@code fields} then holds it, else null.
     */
    record Frame(int type, int flags, int stream, byte[] payload, List<String> fields) {
        int errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return (payload[at] & 0xFF) << 24 | (payload[at + 1] & 0xFF) << 16 | (payload[at + 2] & 0xFF) << 8
                    | (payload[at + 3] & 0xFF);
        }

        boolean has(int flag) {
            return (flags & flag) != 0;
        }

        @Override
        public String toString() {
            return "Frame[type=" + type + ", flags=" + flags + ", stream=" + stream + ", length=" + payload.length + "]";
        }
    }

    /** A response as it arrived on one stream. */
    record Response(List<String> headers, byte[] body, List<String> trailers, int resetCode) {
        String status() {
            return headers.isEmpty() ? null : headers.getFirst().substring(":status: ".length());
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final HpackEncoder encoder = new HpackEncoder(4096);
    private final HpackDecoder decoder = new HpackDecoder(4096);
    /** Frames read while looking for others, handed out first by {@link #read}. */
    private final List<Frame> unread = new ArrayList<>();

    private FrameClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects and sends only the preface. */
    static FrameClient raw(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        return new FrameClient(s);
    }

    /** Connects, exchanges prefaces and settings (§3.4), and returns once the server acknowledged ours. */
    static FrameClient connect(int port, int... settings) throws IOException {
        FrameClient c = raw(port);
        c.out.write(PREFACE);
        c.settings(settings);
        boolean serverSettings = false;
        boolean acked = false;
        while (!serverSettings || !acked) {
            Frame f = c.readFrame();
            if (f.type == SETTINGS && !f.has(ACK)) {
                serverSettings = true;
                c.frame(SETTINGS, ACK, 0, new byte[0]);
            } else if (f.type == SETTINGS) {
                acked = true;
            }
        }
        return c;
    }

    void settings(int... pairs) throws IOException {
        byte[] p = new byte[pairs.length * 3];
        for (int i = 0; i < pairs.length; i += 2) {
            p[i * 3] = (byte) (pairs[i] >>> 8);
            p[i * 3 + 1] = (byte) pairs[i];
            putInt(p, i * 3 + 2, pairs[i + 1]);
        }
        frame(SETTINGS, 0, 0, p);
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        putInt(f, 5, stream);
        System.arraycopy(payload, 0, f, 9, payload.length);
        out.write(f);
        out.flush();
    }

    /** {@code times} copies of the bytes of a frame, back to back: a flood in one write. */
    static byte[] repeat(byte[] frame, int times) {
        byte[] flood = new byte[frame.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(frame, 0, flood, i * frame.length, frame.length);
        }
        return flood;
    }

    static byte[] intPayload(int value) {
        byte[] p = new byte[4];
        putInt(p, 0, value);
        return p;
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** A header block of {@code name, value, ...} pairs, encoded as given (names must be lower case to be valid). */
    byte[] block(String... fields) {
        byte[] b = new byte[16 * 1024];
        int at = encoder.beginBlock(b, 0);
        for (int i = 0; i < fields.length; i += 2) {
            byte[] n = fields[i].getBytes(StandardCharsets.ISO_8859_1);
            byte[] v = fields[i + 1].getBytes(StandardCharsets.ISO_8859_1);
            if (b.length - at < n.length + v.length + 16) {
                b = java.util.Arrays.copyOf(b, b.length * 2 + n.length + v.length);
            }
            at = encoder.field(n, 0, n.length, v, 0, v.length, HpackEncoder.Indexing.NONE, b, at);
        }
        return java.util.Arrays.copyOf(b, at);
    }

    /** The usual request pseudo-headers followed by {@code extra}. */
    String[] request(String method, String path, String... extra) {
        String[] fields = new String[8 + extra.length];
        String[] pseudo = {":method", method, ":scheme", "http", ":authority", "127.0.0.1", ":path", path};
        System.arraycopy(pseudo, 0, fields, 0, 8);
        System.arraycopy(extra, 0, fields, 8, extra.length);
        return fields;
    }

    /** A header block in a HEADERS frame, continued in CONTINUATION frames past 16 KiB. */
    void headers(int stream, boolean endStream, String... fields) throws IOException {
        byte[] block = block(fields);
        int max = 16_384;
        int first = Math.min(max, block.length);
        frame(HEADERS, (first == block.length ? END_HEADERS : 0) | (endStream ? END_STREAM : 0), stream,
                java.util.Arrays.copyOf(block, first));
        for (int at = first; at < block.length; at += max) {
            int n = Math.min(max, block.length - at);
            frame(CONTINUATION, at + n == block.length ? END_HEADERS : 0, stream,
                    java.util.Arrays.copyOfRange(block, at, at + n));
        }
    }

    void get(int stream, String path, String... extra) throws IOException {
        headers(stream, true, request("GET", path, extra));
    }

    void data(int stream, boolean endStream, byte[] data) throws IOException {
        frame(DATA, endStream ? END_STREAM : 0, stream, data);
    }

    /** The next frame; fails if the connection ends first. */
    Frame read() throws IOException {
        if (!unread.isEmpty()) {
            return unread.removeFirst();
        }
        return readFrame();
    }

    private final ByteArrayOutputStream block = new ByteArrayOutputStream();

    private Frame readFrame() throws IOException {
        int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7FFF_FFFF;
        byte[] payload = new byte[length];
        in.readFully(payload);
        List<String> fields = null;
        if (type == HEADERS || type == CONTINUATION) {
            int from = 0;
            int to = length;
            if (type == HEADERS && (flags & PADDED) != 0) {
                from = 1;
                to -= payload[0] & 0xFF;
            }
            if (type == HEADERS && (flags & PRIORITY_FLAG) != 0) {
                from += 5;
            }
            block.write(payload, from, to - from);
            if ((flags & END_HEADERS) != 0) {
                fields = new ArrayList<>();
                decode(block.toByteArray(), fields);
                block.reset();
            }
        }
        return new Frame(type, flags, stream, payload, fields);
    }

    /** Reads until a frame of {@code type} (skipping the others), which it returns. */
    Frame expect(int type) throws IOException {
        while (true) {
            Frame f = read();
            if (f.type == type) {
                return f;
            }
        }
    }

    /** Reads until GOAWAY and checks its error code; then the server must close the connection. */
    Frame expectGoAway(int code) throws IOException {
        Frame f = expect(GOAWAY);
        assertEquals(code, f.errorCode(), "GOAWAY error code");
        assertClosed();
        return f;
    }

    /** Reads until RST_STREAM on {@code stream} and checks its code. */
    void expectReset(int stream, int code) throws IOException {
        while (true) {
            Frame f = read();
            if (f.type == GOAWAY) {
                fail("expected RST_STREAM on stream " + stream + ", got GOAWAY with code " + f.errorCode());
            }
            if (f.type == RST_STREAM && f.stream == stream) {
                assertEquals(code, f.errorCode(), "RST_STREAM error code");
                return;
            }
        }
    }

    /** The server closes the connection: reads reach the end (frames before it are skipped). */
    void assertClosed() throws IOException {
        try {
            while (true) {
                readFrame();
            }
        } catch (EOFException | SocketException e) {
            // closed, or reset after close
        }
    }

    /** Reads frames until {@code stream} ends (END_STREAM or RST_STREAM); frames of other streams are kept for later. */
    Response response(int stream) throws IOException {
        List<String> headers = new ArrayList<>();
        List<String> trailers = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Frame> others = new ArrayList<>();
        boolean inTrailers = false;
        try {
            while (true) {
                Frame f = read();
                if (f.stream != stream) {
                    if (f.stream != 0 || f.type == GOAWAY) {
                        others.add(f);
                    }
                    if (f.type == GOAWAY && f.errorCode() != NO_ERROR) {
                        fail("GOAWAY while reading stream " + stream + ": code " + f.errorCode());
                    }
                    continue;
                }
                switch (f.type) {
                    case RST_STREAM -> {
                        return new Response(headers, body.toByteArray(), trailers, f.errorCode());
                    }
                    case HEADERS, CONTINUATION -> {
                        if (f.fields != null) {
                            if (headers.isEmpty() || headers.getFirst().startsWith(":status: 1")) {
                                headers.clear();
                                headers.addAll(f.fields);
                            } else {
                                inTrailers = true;
                                trailers.addAll(f.fields);
                            }
                        }
                        if (f.type == HEADERS && f.has(END_STREAM)) {
                            return new Response(headers, body.toByteArray(), trailers, -1);
                        }
                    }
                    case DATA -> {
                        assertTrue(!inTrailers, "DATA after trailers");
                        body.write(f.payload);
                        if (f.payload.length > 0) {
                            // Keep the windows open, as a client that reads does.
                            frame(WINDOW_UPDATE, 0, 0, intPayload(f.payload.length));
                            frame(WINDOW_UPDATE, 0, stream, intPayload(f.payload.length));
                        }
                        if (f.has(END_STREAM)) {
                            return new Response(headers, body.toByteArray(), trailers, -1);
                        }
                    }
                    default -> {
                    }
                }
            }
        } finally {
            unread.addAll(0, others); // ahead of what is still unread: they came before it
        }
    }

    private void decode(byte[] block, List<String> into) throws IOException {
        try {
            decoder.decode(block, 0, block.length, (n, no, nl, v, vo, vl, i) -> into.add(
                    new String(n, no, nl, StandardCharsets.ISO_8859_1) + ": " + new String(v, vo, vl, StandardCharsets.ISO_8859_1)));
        } catch (HpackException e) {
            throw new IOException("the server's header block does not decode", e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
