package io.shockwave.runtime.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip member (RFC 1952) written to a response's stream as the body is written, with a
 * {@link Deflater} borrowed from a pool shared by the server: {@link #flush()} is a sync
 * flush, so what was written reaches the client compressed and decodable at once.
 * {@link #finish()} writes the trailer; {@link #release()} returns the deflater, written out
 * or not (a failed exchange).
 *
 * <p>The pool is the server's, not each connection's: a deflater holds about 300 KiB of
 * native memory (zlib's window and hash chains), so one per connection would cost gigabytes
 * at ten thousand connections, while the deflaters in use at once are bounded by the cores.
 */
public final class GzipOutput extends OutputStream {
    private static final int POOLED = 64;
    private static final ArrayBlockingQueue<Deflater>[] POOLS = pools();
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    @SuppressWarnings("unchecked")
    private static ArrayBlockingQueue<Deflater>[] pools() {
        ArrayBlockingQueue<Deflater>[] pools = new ArrayBlockingQueue[10];
        for (int i = 0; i < pools.length; i++) {
            pools[i] = new ArrayBlockingQueue<>(POOLED);
        }
        return pools;
    }

    private final OutputStream out;
    private final int level;
    private final byte[] buf;
    private final CRC32 crc = new CRC32();
    private Deflater deflater;
    private boolean started;
    private boolean finished;

    /** Compresses into {@code out} at {@code level} (1 fastest to 9 smallest), through {@code buf}. */
    public GzipOutput(OutputStream out, int level, byte[] buf) {
        this.out = out;
        this.level = level;
        this.buf = buf;
    }

    private Deflater deflater() throws IOException {
        if (deflater == null) {
            Deflater d = POOLS[level].poll();
            deflater = d != null ? d : new Deflater(level, true);
        }
        if (!started) {
            started = true;
            out.write(HEADER);
        }
        return deflater;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (finished) {
            throw new IOException("the compressed body is complete");
        }
        if (len == 0) {
            return;
        }
        Deflater d = deflater();
        crc.update(b, off, len);
        d.setInput(b, off, len);
        while (!d.needsInput()) {
            drain(d, Deflater.NO_FLUSH);
        }
    }

    @Override
    public void flush() throws IOException {
        if (!finished && deflater != null) {
            drainAll(deflater, Deflater.SYNC_FLUSH);
        }
        out.flush();
    }

    /** Writes what is left and the trailer; the stream it wrote to stays open. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        Deflater d = deflater();
        d.finish();
        while (!d.finished()) {
            drain(d, Deflater.NO_FLUSH);
        }
        finished = true;
        long total = d.getBytesRead();
        int crcValue = (int) crc.getValue();
        byte[] trailer = {(byte) crcValue, (byte) (crcValue >> 8), (byte) (crcValue >> 16), (byte) (crcValue >> 24),
                (byte) total, (byte) (total >> 8), (byte) (total >> 16), (byte) (total >> 24)};
        out.write(trailer);
        release();
    }

    /** Gives the deflater back; after this the stream writes nothing more. */
    public void release() {
        finished = true;
        Deflater d = deflater;
        deflater = null;
        if (d != null) {
            d.reset();
            if (!POOLS[level].offer(d)) {
                d.end();
            }
        }
    }

    private void drainAll(Deflater d, int mode) throws IOException {
        int n;
        do {
            n = drain(d, mode);
        } while (n == buf.length);
    }

    private int drain(Deflater d, int mode) throws IOException {
        int n = d.deflate(buf, 0, buf.length, mode);
        if (n > 0) {
            out.write(buf, 0, n);
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        finish();
        out.close();
    }
}
