package io.shockwave.http2.internal;

import io.shockwave.http2.hpack.HpackEncoder;
import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;
import io.shockwave.runtime.spi.HttpDate;

/**
 * Turns a response's status and fields into HPACK header blocks (RFC 9113 §8.2, RFC 7541)
 * with the connection's encoder: names in lower case, connection-specific fields left
 * out, {@code date} and {@code server} added, and each field indexed by what it is
 * (repeating ones once, content-length never, credentials never-indexed). The
 * {@link FrameWriter} calls it under its lock, in the order the blocks are written, since
 * the encoder's table depends on that order. The last block lies in {@link #bytes()}.
 */
final class HeaderBlocks {
    private static final byte[] NONE = new byte[0];
    /** Room for a table size update or two and a {@code :status}, written before any field is checked for room. */
    private static final int BLOCK_START = 32;
    private static final byte[] CONTENT_LENGTH = HeaderName.CONTENT_LENGTH.lowerBytes();
    private static final byte[] DATE = HeaderName.DATE.lowerBytes();
    private static final byte[] SERVER = HeaderName.SERVER.lowerBytes();

    private final HpackEncoder encoder = new HpackEncoder(4096);
    private final byte[] serverHeader;
    /** {@code Alt-Svc} advertising HTTP/3 (TLS connections of a server that serves it), or null. */
    private final byte[] altSvc;
    private static final byte[] ALT_SVC = "alt-svc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final byte[] digits = new byte[20];
    private byte[] block = new byte[512];
    private byte[] lowerName = new byte[64];

    HeaderBlocks(byte[] serverHeader, byte[] altSvc) {
        this.serverHeader = serverHeader;
        this.altSvc = altSvc;
    }

    byte[] bytes() {
        return block;
    }

    void peerMaxTableSize(int size) {
        encoder.peerMaxTableSize(size);
    }

    /** Idle: the block buffer goes; it grows again with the next block. */
    void releaseIdleBuffer() {
        block = NONE;
    }

    /** An interim response's block ({@code 100 Continue}). */
    int interim(int status) {
        ensureBlock(0, BLOCK_START);
        return encoder.status(status, block, encoder.beginBlock(block, 0));
    }

    /** A trailer block. */
    int trailers(Headers trailers) {
        ensureBlock(0, BLOCK_START);
        return encodeFields(trailers, encoder.beginBlock(block, 0));
    }

    /** A response's block: {@code :status}, its fields, content-length when known, date and server. Returns its length. */
    int response(Http2Response r) {
        ensureBlock(0, BLOCK_START);
        int at = encoder.beginBlock(block, 0);
        at = encoder.status(r.status().code(), block, at);
        at = encodeFields(r.headers(), at);
        long length = r.declaredLength();
        if (length >= 0 && r.status().allowsContent()) {
            int n = digits(length);
            ensureBlock(at, HpackEncoder.maxEncodedLength(CONTENT_LENGTH.length, n));
            at = encoder.field(CONTENT_LENGTH, 0, CONTENT_LENGTH.length, this.digits, 0, n,
                    HpackEncoder.Indexing.NONE, block, at);
        }
        at = field(DATE, HttpDate.now(), HpackEncoder.Indexing.INCREMENTAL, at);
        if (serverHeader != null) {
            at = field(SERVER, serverHeader, HpackEncoder.Indexing.INCREMENTAL, at);
        }
        if (altSvc != null) {
            at = field(ALT_SVC, altSvc, HpackEncoder.Indexing.INCREMENTAL, at);
        }
        return at;
    }

    /** {@code value} in decimal into {@link #digits}; returns how many. */
    private int digits(long value) {
        int n = 0;
        do {
            digits[n++] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value > 0);
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            byte t = digits[i];
            digits[i] = digits[j];
            digits[j] = t;
        }
        return n;
    }

    private int field(byte[] name, byte[] value, HpackEncoder.Indexing indexing, int at) {
        ensureBlock(at, HpackEncoder.maxEncodedLength(name.length, value.length));
        return encoder.field(name, 0, name.length, value, 0, value.length, indexing, block, at);
    }

    /** The handler's fields, names in lower case (§8.2.2), connection-specific ones left out (§8.2.2). */
    private int encodeFields(Headers h, int at) {
        byte[] data = h.rawData();
        for (int i = 0; i < h.size(); i++) {
            int id = h.nameId(i);
            if (id == HeaderName.CONNECTION.id() || id == HeaderName.KEEP_ALIVE.id()
                    || id == HeaderName.TRANSFER_ENCODING.id() || id == HeaderName.UPGRADE.id()
                    || id == HeaderName.CONTENT_LENGTH.id() || id == HeaderName.DATE.id()
                    || id == HeaderName.SERVER.id()) {
                continue;
            }
            int nameLen = h.nameLength(i);
            byte[] name;
            if (id >= 0) {
                name = HeaderName.byId(id).lowerBytes();
            } else {
                if (lowerName.length < nameLen) {
                    lowerName = new byte[Math.max(nameLen, lowerName.length * 2)];
                }
                int from = h.nameOffset(i);
                for (int k = 0; k < nameLen; k++) {
                    byte c = data[from + k];
                    lowerName[k] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
                }
                name = lowerName;
            }
            int valueLen = h.valueLength(i);
            ensureBlock(at, HpackEncoder.maxEncodedLength(nameLen, valueLen));
            HpackEncoder.Indexing indexing = id < 0 ? HpackEncoder.Indexing.NONE
                    : id == HeaderName.SET_COOKIE.id() || id == HeaderName.AUTHORIZATION.id()
                    ? HpackEncoder.Indexing.NEVER
                    : id == HeaderName.ETAG.id() || id == HeaderName.LAST_MODIFIED.id() || id == HeaderName.LOCATION.id()
                    ? HpackEncoder.Indexing.NONE : HpackEncoder.Indexing.INCREMENTAL;
            at = encoder.field(name, 0, nameLen, data, h.valueOffset(i), valueLen, indexing, block, at);
        }
        return at;
    }

    private void ensureBlock(int at, int more) {
        if (block.length - at < more) {
            block = java.util.Arrays.copyOf(block, Math.max(Math.max(block.length * 2, 512), at + more));
        }
    }
}
