package io.shockwave.http1.internal;

import io.shockwave.runtime.spi.BufferPool;
import io.shockwave.runtime.spi.ConnectionChannel;

import java.io.IOException;

/**
 * The connection's write buffer. Responses are written here and reach the socket only
 * when it fills or when the connection flushes before it waits to read, so pipelined
 * responses leave in one write.
 *
 * <p>Chunked bodies are framed in place: a chunk reserves room for its size line when it
 * opens and fills it in when it closes, so writes are copied once and small writes become
 * one chunk per flush, not one per call. The size is written as six zero-padded hex
 * digits, which RFC 9112 §7.1's {@code 1*HEXDIG} allows.
 */
final class OutputBuffer {
    private static final int CHUNK_HEADER = 8; // six hex digits and CRLF
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final byte[] EMPTY = new byte[0];

    private final ConnectionChannel channel;
    private final BufferPool pool;
    /** Borrowed from the pool on the first write of an exchange; null while the connection is idle. */
    private byte[] buf;
    private int count;
    private int chunkStart = -1;
    /** Bytes handed to the channel since the connection opened; with {@link #count} it places every byte. */
    private long sent;
    private boolean failed;

    OutputBuffer(ConnectionChannel channel, BufferPool pool) {
        this.channel = channel;
        this.pool = pool;
        if (pool.bufferSize() > 0xFFFFFF || pool.bufferSize() < 16) {
            throw new IllegalArgumentException("chunk sizes are written as six hex digits: buffers of 16 B to 16 MiB");
        }
    }

    private byte[] buffer() {
        if (buf == null) {
            buf = pool.acquire();
        }
        return buf;
    }

    /** Gives the array back to the pool; only when nothing is buffered, before the connection waits. */
    void release() {
        if (buf != null && count == 0 && chunkStart < 0) {
            byte[] b = buf;
            buf = null;
            pool.release(b);
        }
    }

    void write(byte[] src) throws IOException {
        write(src, 0, src.length);
    }

    void write(byte[] src, int off, int len) throws IOException {
        buffer();
        if (len <= buf.length - count) {
            System.arraycopy(src, off, buf, count, len);
            count += len;
            return;
        }
        flush();
        if (len >= buf.length / 2) {
            send(src, off, len);
        } else {
            System.arraycopy(src, off, buf, count, len);
            count += len;
        }
    }

    void write(int b) throws IOException {
        buffer();
        if (count == buf.length) {
            flush();
        }
        buf[count++] = (byte) b;
    }

    void crlf() throws IOException {
        ensure(2);
        buf[count++] = '\r';
        buf[count++] = '\n';
    }

    /** Writes a non-negative decimal number. */
    void writeDecimal(long v) throws IOException {
        ensure(20);
        if (v == 0) {
            buf[count++] = '0';
            return;
        }
        int digits = 0;
        for (long t = v; t > 0; t /= 10) {
            digits++;
        }
        for (int p = count + digits - 1; p >= count; p--) {
            buf[p] = (byte) ('0' + v % 10);
            v /= 10;
        }
        count += digits;
    }

    /** Encodes {@code s} as UTF-8 into the buffer; unpaired surrogates become '?'. */
    void writeUtf8(String s) throws IOException {
        buffer();
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (buf.length - count < 4) {
                flush();
            }
            if (c < 0x80) {
                buf[count++] = (byte) c;
            } else if (c < 0x800) {
                buf[count++] = (byte) (0xC0 | c >> 6);
                buf[count++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[count++] = (byte) (0xF0 | cp >> 18);
                buf[count++] = (byte) (0x80 | cp >> 12 & 0x3F);
                buf[count++] = (byte) (0x80 | cp >> 6 & 0x3F);
                buf[count++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                buf[count++] = '?';
            } else {
                buf[count++] = (byte) (0xE0 | c >> 12);
                buf[count++] = (byte) (0x80 | c >> 6 & 0x3F);
                buf[count++] = (byte) (0x80 | c & 0x3F);
            }
        }
    }

    /** The number of bytes {@link #writeUtf8} will write for {@code s}. */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2;
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /** Appends body bytes to the open chunk, opening and closing chunks as the buffer fills. */
    void writeChunked(byte[] src, int off, int len) throws IOException {
        buffer();
        if (len >= buf.length / 2) {
            // Large writes go straight to the socket as one chunk of their own.
            closeChunk();
            ensure(18);
            writeHex(len);
            crlf();
            flushBuffer();
            send(src, off, len);
            crlf();
            return;
        }
        while (len > 0) {
            if (chunkStart < 0) {
                ensure(CHUNK_HEADER + 1 + 2);
                chunkStart = count;
                count += CHUNK_HEADER;
            }
            int room = buf.length - count - 2;
            if (room <= 0) {
                flush();
                continue;
            }
            int n = Math.min(room, len);
            System.arraycopy(src, off, buf, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    /** Ends the open chunk, if any, by filling in its size line and appending CRLF. */
    void closeChunk() {
        if (chunkStart < 0) {
            return;
        }
        int size = count - chunkStart - CHUNK_HEADER;
        if (size == 0) {
            count = chunkStart;
        } else {
            for (int i = 5, v = size; i >= 0; i--, v >>>= 4) {
                buf[chunkStart + i] = HEX[v & 0xF];
            }
            buf[chunkStart + 6] = '\r';
            buf[chunkStart + 7] = '\n';
            buf[count++] = '\r';
            buf[count++] = '\n';
        }
        chunkStart = -1;
    }

    private void writeHex(long v) {
        int digits = v == 0 ? 1 : (64 - Long.numberOfLeadingZeros(v) + 3) / 4;
        for (int i = digits - 1; i >= 0; i--) {
            buf[count + i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
        count += digits;
    }

    private void ensure(int n) throws IOException {
        buffer();
        if (buf.length - count < n) {
            flush();
        }
    }

    /** Sends everything buffered, closing an open chunk first. */
    void flush() throws IOException {
        closeChunk();
        flushBuffer();
    }

    private void flushBuffer() throws IOException {
        if (count > 0) {
            int n = count;
            count = 0;
            send(buf, 0, n);
        }
    }

    private void send(byte[] src, int off, int len) throws IOException {
        // Counted before the write: a failed write may have sent part of it.
        sent += len;
        try {
            channel.write(src, off, len);
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * Sends what is buffered (the head, and earlier pipelined responses) and then
     * {@code length} bytes of {@code file} from {@code position}, by the kernel, in one call.
     */
    void sendFile(java.nio.file.Path file, long position, long length) throws IOException {
        closeChunk();
        int head = count;
        count = 0;
        sent += head + length;
        try {
            channel.sendFile(buf == null ? EMPTY : buf, 0, head, file, position, length);
        } catch (java.io.FileNotFoundException e) {
            // Opened first, so nothing left: the head stays buffered for the error handler to replace.
            count = head;
            sent -= head + length;
            throw e;
        } catch (java.io.EOFException e) {
            throw e; // the file's failure, not the client's: the connection is still there to abort
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    /** Whether a write to the client failed: the connection is gone. */
    boolean failed() {
        return failed;
    }

    int buffered() {
        return count;
    }

    /** Drops everything buffered and not yet sent; used when a response is aborted. */
    void discardBuffered() {
        count = 0;
        chunkStart = -1;
    }

    /** Where the next byte written will be in the connection's output stream. */
    long position() {
        return sent + count;
    }

    /** Whether any byte at or after stream {@code position} has been handed to the socket. */
    boolean sentFrom(long position) {
        return sent > position;
    }

    /**
     * Drops what is buffered from stream {@code position} on, e.g. a response abandoned
     * before any of it was sent; the bytes before it (earlier pipelined responses) stay.
     * Only if nothing from there on has been sent.
     */
    void discardFrom(long position) {
        if (sentFrom(position)) {
            throw new IllegalStateException("bytes from " + position + " were already sent");
        }
        count = (int) (position - sent);
        chunkStart = -1;
    }
}
