package io.shockwave.http2.internal;

import io.shockwave.runtime.Method;
import io.shockwave.runtime.spi.AbstractResponse;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The response of one stream. The handler's bytes collect in the stream's buffer and
 * are handed to the {@link FrameWriter} when it fills, on {@code flush()} and at the end;
 * the writer frames them as DATA as the flow-control windows allow. The first hand-over
 * commits the status and headers.
 */
final class Http2Response extends AbstractResponse {
    private static final int MAX_BUFFER = 16 * 1024;

    private final Http2Stream stream;
    /** Where the handler writes next in the stream's buffer; bytes before it up to the writer's mark are unpublished. */
    private int writeIndex;
    private final Output output = new Output();

    Http2Response(Http2Stream stream) {
        this.stream = stream;
    }

    @Override
    protected OutputStream body() {
        return output;
    }

    @Override
    public OutputStream output() {
        Guarded g = guarded;
        int generation = stream.generation;
        if (g == null || g.generation != generation) {
            g = new Guarded(generation);
            guarded = g;
        }
        return g;
    }

    private Guarded guarded;

    /**
     * The output as the handler holds it: bound to the stream served now, so one kept past
     * the handler's return fails instead of writing into a later stream's response.
     */
    private final class Guarded extends OutputStream {
        private final int generation;

        Guarded(int generation) {
            this.generation = generation;
        }

        private void checkCurrent() throws IOException {
            if (generation != stream.generation) {
                throw new IOException("the response this output belongs to has ended");
            }
        }

        @Override
        public void write(int b) throws IOException {
            checkCurrent();
            output.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkCurrent();
            output.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            checkCurrent();
            output.flush();
        }

        /** Flushes; the response ends when the handler returns, not here. */
        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** Whether the body is left out (a response to HEAD) though its length is declared. */
    boolean isHead() {
        return stream.request.method() == Method.HEAD;
    }

    /** For the next stream this object serves. */
    void reset() {
        resetForError();
        committed = false;
    }

    @Override
    protected void resetForError() {
        super.resetForError();
        writeIndex = 0;
    }

    /** The handler returned: what is buffered leaves, then the end of the stream. */
    void finish() throws IOException {
        long declared = declaredLength();
        if (declared >= 0 && written < declared && !isHead()) {
            throw new IOException("response ended after " + written + " of its " + declared + " bytes");
        }
        if (!committed && declared < 0 && written == 0 && status().allowsContent()) {
            declareLength(0);
        }
        publish(true);
    }

    private void publish(boolean end) throws IOException {
        if (!committed) {
            committed = true;
            stream.context.stats().response(status().code());
        }
        stream.writer.publish(stream, writeIndex, end);
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            count(len);
            if (isHead() || !status().allowsContent()) {
                return; // RFC 9110 §6.4.1: no content for HEAD, 1xx, 204 and 304
            }
            while (len > 0) {
                byte[] buf = stream.out;
                if (buf == null || (writeIndex == buf.length && buf.length < MAX_BUFFER)) {
                    buf = grow(len);
                } else if (writeIndex == buf.length) {
                    publish(false);
                    stream.writer.awaitDrained(stream);
                    writeIndex = 0;
                }
                int n = Math.min(len, buf.length - writeIndex);
                System.arraycopy(b, off, buf, writeIndex, n);
                writeIndex += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            publish(false);
        }
    }

    /** A bigger buffer for the stream, before the writer has any of it or once it has drained it. */
    private byte[] grow(int wanted) throws IOException {
        if (stream.out != null && writeIndex > 0) {
            publish(false);
            stream.writer.awaitDrained(stream);
        }
        int size = Math.min(MAX_BUFFER, Math.max(256, Integer.highestOneBit(Math.max(1, wanted - 1)) << 1));
        if (stream.out != null) {
            size = Math.min(MAX_BUFFER, Math.max(size, stream.out.length * 2));
        }
        byte[] buf = new byte[size];
        stream.writer.replaceBuffer(stream, buf);
        writeIndex = 0;
        return buf;
    }
}
