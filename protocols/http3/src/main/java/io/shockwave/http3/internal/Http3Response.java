package io.shockwave.http3.internal;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.spi.AbstractResponse;
import io.shockwave.runtime.spi.HttpDate;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The response of one request stream. The handler's bytes collect in a buffer of up to
 * 16 KiB; when it fills, on {@code flush()} and at the end they leave as one DATA frame,
 * the first time after the HEADERS frame (which commits the status and headers). Each
 * write to the QUIC stream is at most one frame of 16 KiB: Kwik 0.10.8 has been seen to
 * stall a stream for good on some large single writes.
 */
final class Http3Response extends AbstractResponse {
    private static final int MAX_BUFFER = 16 * 1024;
    /** Room for a DATA frame's header (type and an up-to-4-byte length) before the payload. */
    private static final int FRAME_HEADER_ROOM = 5;

    private final Http3Stream stream;
    /** Frame header room, then the payload to send: buf[FRAME_HEADER_ROOM, at). */
    private byte[] buf;
    private int at = FRAME_HEADER_ROOM;
    private final Output output = new Output();

    Http3Response(Http3Stream stream) {
        this.stream = stream;
    }

    @Override
    protected OutputStream body() {
        return output;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    private boolean isHead() {
        return stream.request.method() == Method.HEAD;
    }

    @Override
    protected void resetForError() {
        super.resetForError();
        at = FRAME_HEADER_ROOM;
    }

    /** The handler returned: what is buffered leaves, then the trailers, then the end of the stream. */
    void finish() throws IOException {
        long declared = declaredLength();
        if (declared >= 0 && written < declared && !isHead()) {
            throw new IOException("response ended after " + written + " of its " + declared + " bytes");
        }
        if (!committed && declared < 0 && status().allowsContent()) {
            declareLength(written); // all of it is in the buffer: say how long it is
        }
        send(true);
    }

    /** Sends the HEADERS frame if not yet sent, the buffered DATA, and at the end the trailers and FIN. */
    private void send(boolean end) throws IOException {
        if (!committed) {
            committed = true;
            stream.connection.context.stats().response(status().code());
            writeFields(status().code(), responseFields());
        }
        int payload = at - FRAME_HEADER_ROOM;
        if (payload > 0) {
            int headerLength = 1 + Frames.varintLength(payload);
            int start = FRAME_HEADER_ROOM - headerLength;
            Frames.putFrameHeader(buf, start, Frames.DATA, payload);
            stream.write(buf, start, headerLength + payload);
            at = FRAME_HEADER_ROOM;
        }
        if (end) {
            Headers trailers = trailersOrNull();
            if (trailers != null) {
                writeFields(0, trailers);
            }
            stream.closeOutput();
        }
        // Kwik sends what it buffers as soon as it can: there is nothing to flush.
    }

    private Headers responseFields() {
        Headers headers = headers();
        if (declaredLength() >= 0 && (status().allowsContent() || isHead())) {
            headers.set(HeaderName.CONTENT_LENGTH, declaredLength());
        }
        if (!headers.contains(HeaderName.DATE)) {
            headers.set(HeaderName.DATE, HttpDate.now());
        }
        byte[] server = stream.connection.context.serverHeader();
        if (server != null && !headers.contains(HeaderName.SERVER)) {
            headers.set(HeaderName.SERVER, server);
        }
        return headers;
    }

    private void writeFields(int status, Headers fields) throws IOException {
        byte[] block = FieldSection.encode(status, fields);
        byte[] frame = new byte[9 + block.length];
        int p = Frames.putFrameHeader(frame, 0, Frames.HEADERS, block.length);
        System.arraycopy(block, 0, frame, p, block.length);
        stream.write(frame, 0, p + block.length);
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            stream.checkCurrent();
            count(len);
            if (isHead() || !status().allowsContent()) {
                return; // RFC 9110 §6.4.1: no content for HEAD, 1xx, 204 and 304
            }
            while (len > 0) {
                if (buf == null) {
                    buf = new byte[FRAME_HEADER_ROOM + Math.min(MAX_BUFFER, Math.max(256, len))];
                } else if (at == buf.length) {
                    if (buf.length < FRAME_HEADER_ROOM + MAX_BUFFER) {
                        buf = java.util.Arrays.copyOf(buf, FRAME_HEADER_ROOM + Math.min(MAX_BUFFER, 2 * buf.length));
                    } else {
                        send(false);
                    }
                }
                int n = Math.min(len, buf.length - at);
                System.arraycopy(b, off, buf, at, n);
                at += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            stream.checkCurrent();
            send(false);
        }

        /** Flushes; the response ends when the handler returns, not here. */
        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
