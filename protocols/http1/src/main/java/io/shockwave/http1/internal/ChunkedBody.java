package io.shockwave.http1.internal;

import io.shockwave.runtime.Headers;
import io.shockwave.runtime.RequestBodyException;
import io.shockwave.runtime.Status;
import io.shockwave.runtime.spi.Ascii;

import java.io.IOException;

/**
 * A chunked body (RFC 9112 §7.1), decoded as it is read, with its trailer section.
 * Chunk extensions are skipped; the total size is held to the body limit.
 */
final class ChunkedBody extends RequestBody {
    private static final int SIZE = 0;
    private static final int DATA = 1;
    private static final int DATA_END = 2;
    private static final int TRAILERS = 3;
    private static final int DONE = 4;
    static final int MAX_SIZE_LINE = 1024;

    /** Significant hex digits of a chunk size: 15 make 60 bits, more than any body limit. */
    private static final int MAX_SIZE_DIGITS = 15;

    private static final RequestBodyException MALFORMED =
            new RequestBodyException(Status.BAD_REQUEST, "Malformed chunked encoding");
    private static final RequestBodyException TOO_LARGE =
            new RequestBodyException(Status.CONTENT_TOO_LARGE, "Request body too large");
    private static final RequestBodyException TRAILERS_TOO_LARGE =
            new RequestBodyException(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "Trailer section too large");

    private final long maxBody;
    private final int maxTrailerBytes;
    private Headers trailers;
    private int state;
    private long chunkRemaining;
    private long total;
    private int trailerBytes;

    ChunkedBody(Http1Connection connection, InputBuffer in, long maxBody, int maxTrailerBytes) {
        super(connection, in);
        this.maxBody = maxBody;
        this.maxTrailerBytes = maxTrailerBytes;
    }

    ChunkedBody reset(Headers trailers) {
        this.trailers = trailers;
        this.state = SIZE;
        this.chunkRemaining = 0;
        this.total = 0;
        this.trailerBytes = 0;
        clearFailure();
        return this;
    }

    @Override
    int readBody(byte[] b, int off, int len) throws IOException {
        while (true) {
            switch (state) {
                case SIZE -> readSizeLine();
                case DATA -> {
                    if (len == 0) {
                        return 0;
                    }
                    int n = readBuffered(b, off, (int) Math.min(len, chunkRemaining));
                    chunkRemaining -= n;
                    if (chunkRemaining == 0) {
                        state = DATA_END;
                    }
                    return n;
                }
                case DATA_END -> {
                    int eol = lineEnd(2);
                    if (eol != in.pos) {
                        throw MALFORMED;
                    }
                    in.pos += 2;
                    state = SIZE;
                }
                case TRAILERS -> readTrailerLine();
                default -> {
                    return -1;
                }
            }
        }
    }

    /**
     * chunk-size [ chunk-ext ] CRLF; a size of 0 starts the trailer section. Leading zeros
     * are not significant: {@code 0000000000000000005} is 5. A size too large to represent
     * is over any body limit, so 413 like one that merely exceeds it.
     */
    private void readSizeLine() throws IOException {
        int eol = lineEnd(MAX_SIZE_LINE);
        byte[] buf = in.buf;
        int p = in.pos;
        long size = 0;
        int significant = 0;
        while (p < eol) {
            int d = Ascii.hexValue(buf[p]);
            if (d < 0) {
                break;
            }
            if ((size != 0 || d != 0) && ++significant > MAX_SIZE_DIGITS) {
                throw TOO_LARGE;
            }
            size = size << 4 | d;
            p++;
        }
        if (p == in.pos) {
            throw MALFORMED;
        }
        // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): checked for stray bytes only
        if (p < eol) {
            int q = p;
            while (q < eol && (buf[q] == ' ' || buf[q] == '\t')) {
                q++;
            }
            if (q == eol || buf[q] != ';') {
                throw MALFORMED;
            }
            for (; q < eol; q++) {
                int c = buf[q] & 0xFF;
                if ((c < 0x20 && c != '\t') || c == 0x7F) {
                    throw MALFORMED;
                }
            }
        }
        in.pos = eol + 2;
        if (size == 0) {
            state = TRAILERS;
            return;
        }
        total += size;
        if (total > maxBody) {
            throw TOO_LARGE;
        }
        chunkRemaining = size;
        state = DATA;
    }

    /** One trailer field line, or the empty line that ends the body. */
    private void readTrailerLine() throws IOException {
        int eol = lineEnd(maxTrailerBytes);
        byte[] buf = in.buf;
        int start = in.pos;
        trailerBytes += eol - start + 2;
        if (trailerBytes > maxTrailerBytes) {
            throw TRAILERS_TOO_LARGE;
        }
        in.pos = eol + 2;
        if (eol == start) {
            state = DONE;
            return;
        }
        int p = start;
        while (p < eol && Ascii.TCHAR[buf[p] & 0xFF]) {
            p++;
        }
        if (p == start || p == eol || buf[p] != ':') {
            throw MALFORMED;
        }
        int nameEnd = p++;
        while (p < eol && (buf[p] == ' ' || buf[p] == '\t')) {
            p++;
        }
        int valueStart = p;
        int valueEnd = eol;
        for (int q = valueStart; q < valueEnd; q++) {
            int c = buf[q] & 0xFF;
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                throw MALFORMED;
            }
        }
        while (valueEnd > valueStart && (buf[valueEnd - 1] == ' ' || buf[valueEnd - 1] == '\t')) {
            valueEnd--;
        }
        trailers.addRaw(buf, start, nameEnd - start, valueStart, valueEnd - valueStart);
    }

    /**
     * The offset of the CR of the next CRLF at or after {@code in.pos}, reading more as
     * needed; a line longer than {@code max}, or a CR not followed by LF, is malformed.
     */
    private int lineEnd(int max) throws IOException {
        connection.beforeBodyRead();
        int scanned = in.pos;
        while (true) {
            byte[] buf = in.buf;
            for (int i = scanned; i + 1 < in.limit; i++) {
                if (buf[i] == '\r') {
                    if (buf[i + 1] != '\n') {
                        throw MALFORMED;
                    }
                    // The bound holds however the line arrived, not only when it spans reads.
                    if (i - in.pos > max) {
                        throw state == TRAILERS ? TRAILERS_TOO_LARGE : MALFORMED;
                    }
                    return i;
                }
                if (buf[i] == '\n') {
                    throw MALFORMED;
                }
            }
            int consumed = Math.max(in.limit - 1, in.pos) - in.pos;
            if (consumed > max) {
                throw state == TRAILERS ? TRAILERS_TOO_LARGE : MALFORMED;
            }
            if (in.fill() < 0) {
                throw INCOMPLETE;
            }
            scanned = in.pos + consumed; // fill() may have moved the unread bytes to the front
        }
    }

    @Override
    int bufferedBodyBytes() {
        return state == DATA ? (int) Math.min(chunkRemaining, in.available()) : 0;
    }

    @Override
    boolean requestFollows() {
        return state == DONE && in.available() > 0;
    }

    @Override
    boolean isComplete() {
        return state == DONE && failure() == null;
    }
}
