package io.shockwave.runtime;

import io.shockwave.runtime.internal.AcceptEncoding;
import io.shockwave.runtime.internal.GzipOutput;
import io.shockwave.runtime.internal.MediaTypes;
import io.shockwave.runtime.spi.BufferPool;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A filter that gzips responses for clients that accept it:
 * {@code Server.builder().filter(Compression.gzip())}. A response is compressed when its
 * Content-Type is compressible (text, JSON, JavaScript, XML, SVG...), its body is at least
 * {@link #withMinSize the minimum} (default 1 KiB) when its size is known ({@code send}, or a
 * declared length) or of any size when it is streamed, and nothing rules it out: a status
 * without content, 206, a Content-Encoding or Content-Range set already,
 * {@code Cache-Control: no-transform}. Streamed bodies are compressed as they are written and
 * {@code flush()} still sends what was written (a sync flush). Responses of a compressible
 * type carry {@code Vary: Accept-Encoding} either way, and a strong ETag becomes weak when
 * compressed (it names the uncompressed bytes).
 */
public final class Compression implements Filter {
    private final int level;
    private final long minSize;

    private Compression(int level, long minSize) {
        this.level = level;
        this.minSize = minSize;
    }

    /** gzip at level 6, for bodies of 1 KiB and more. */
    public static Compression gzip() {
        return new Compression(6, 1024);
    }

    /** The zlib level, 1 (fastest) to 9 (smallest). */
    public Compression withLevel(int level) {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("gzip levels are 1 to 9: " + level);
        }
        return new Compression(level, minSize);
    }

    /** The smallest body compressed, when its size is known. */
    public Compression withMinSize(long bytes) {
        return new Compression(level, Math.max(0, bytes));
    }

    @Override
    public void filter(Request request, Response response, Handler next) throws Exception {
        boolean accepted = AcceptEncoding.accepts(request.header(HeaderName.ACCEPT_ENCODING), "gzip");
        Compressing compressing = new Compressing(response, accepted);
        boolean done = false;
        try {
            next.handle(request, compressing);
            done = true;
        } finally {
            compressing.end(done);
        }
    }

    private static void addVary(Response response) {
        Headers h = response.headers();
        String vary = h.get(HeaderName.VARY);
        if (vary == null) {
            h.set(HeaderName.VARY, "Accept-Encoding");
        } else if (!h.containsToken(HeaderName.VARY, "Accept-Encoding") && !vary.strip().equals("*")) {
            h.set(HeaderName.VARY, vary + ", Accept-Encoding");
        }
    }

    /** The response as the handler sees it; decides at the first byte whether to compress. */
    private final class Compressing extends ResponseWrapper {
        /** Whether the client accepts gzip: if not, responses only gain their Vary. */
        private final boolean accepted;
        private long declared = -1;
        private GzipOutput gzip;
        private byte[] buffer;
        private OutputStream output;

        Compressing(Response wrapped, boolean accepted) {
            super(wrapped);
            this.accepted = accepted;
        }

        @Override
        public Response contentLength(long length) {
            declared = length;
            return super.contentLength(length);
        }

        /** Whether a body of {@code size} bytes (-1: unknown, streamed) is to be compressed. */
        private boolean compresses(long size) {
            Headers h = headers();
            int code = status().code();
            boolean eligible = status().allowsContent() && code != 206 && code != 304
                    && !h.contains(HeaderName.CONTENT_ENCODING) && !h.contains(HeaderName.CONTENT_RANGE)
                    && MediaTypes.isCompressible(h.get(HeaderName.CONTENT_TYPE))
                    && !h.containsToken(HeaderName.CACHE_CONTROL, "no-transform");
            if (!eligible) {
                return false;
            }
            addVary(this);
            return accepted && (size < 0 || size >= minSize);
        }

        /** Sets the fields of a compressed response; its body goes through {@link #gzip} from here on. */
        private void startCompressing(OutputStream into) {
            Headers h = headers();
            h.set(HeaderName.CONTENT_ENCODING, "gzip");
            h.remove(HeaderName.CONTENT_LENGTH);
            super.contentLength(-1);
            String etag = h.get(HeaderName.ETAG);
            if (etag != null && !etag.startsWith("W/")) {
                h.set(HeaderName.ETAG, "W/" + etag);
            }
            buffer = BufferPool.shared().acquire();
            gzip = new GzipOutput(into, level, buffer);
        }

        @Override
        public void send(byte[] body, int offset, int length) {
            if (!compresses(length)) {
                super.send(body, offset, length);
                return;
            }
            // Compressed whole and sent with its length: no chunks, and the connection stays reusable.
            Bytes compressed = new Bytes(length / 3 + 64);
            startCompressing(compressed);
            try {
                gzip.write(body, offset, length);
                gzip.finish();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            super.send(compressed.array(), 0, compressed.size());
        }

        /** Through {@link #output()} when it is to be compressed; else the wrapped response's own (sendfile). */
        @Override
        public void sendFile(java.nio.file.Path file, long position, long count) throws IOException {
            if (compresses(count)) {
                io.shockwave.runtime.internal.FileBodies.copy(this, file, position, count);
            } else {
                super.sendFile(file, position, count);
            }
        }

        @Override
        public OutputStream output() {
            if (output == null) {
                output = new Deciding();
            }
            return output;
        }

        /** Ends the compressed body once the handler returned; gives the deflater and buffer back in any case. */
        void end(boolean succeeded) throws IOException {
            try {
                if (succeeded && gzip != null) {
                    gzip.finish();
                }
            } finally {
                if (gzip != null) {
                    gzip.release();
                    BufferPool.shared().release(buffer);
                    gzip = null;
                }
            }
        }

        /** A byte array stream whose array can be sent as it is. */
        private static final class Bytes extends java.io.ByteArrayOutputStream {
            Bytes(int size) {
                super(size);
            }

            byte[] array() {
                return buf;
            }
        }

        /** The body stream: compressing or not, as decided by the first write or flush. */
        private final class Deciding extends OutputStream {
            private OutputStream target;

            private OutputStream target() {
                if (target == null) {
                    if (compresses(declared)) {
                        startCompressing(Compressing.super.output());
                        target = gzip;
                    } else {
                        target = Compressing.super.output();
                    }
                }
                return target;
            }

            @Override
            public void write(int b) throws IOException {
                target().write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                target().write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                target().flush();
            }

            @Override
            public void close() throws IOException {
                OutputStream t = target();
                if (t == gzip) {
                    gzip.finish();
                }
                Compressing.super.output().close();
            }
        }
    }
}
