package io.shockwave.runtime.internal;

import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Status;
import io.shockwave.runtime.spi.Ascii;

import java.nio.charset.StandardCharsets;

/** Percent-decoding (RFC 3986 §2.1) of paths and query components. */
public final class PercentCodec {
    private static final HttpException BAD_ESCAPE =
            new HttpException(Status.BAD_REQUEST, "malformed percent-encoding");

    private PercentCodec() {
    }

    /**
     * Decodes {@code src[off, off+len)} into {@code dst} from 0, returning the decoded length;
     * {@code dst} must hold at least {@code len} bytes. With {@code plusIsSpace}, {@code +}
     * becomes a space, as in HTML form encoding of queries.
     */
    public static int decode(byte[] src, int off, int len, byte[] dst, boolean plusIsSpace) {
        int w = 0;
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte b = src[i];
            if (b == '%') {
                if (i + 2 >= end) {
                    throw BAD_ESCAPE;
                }
                int hi = Ascii.hexValue(src[i + 1]);
                int lo = Ascii.hexValue(src[i + 2]);
                if ((hi | lo) < 0) {
                    throw BAD_ESCAPE;
                }
                dst[w++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (b == '+' && plusIsSpace) {
                dst[w++] = ' ';
            } else {
                dst[w++] = b;
            }
        }
        return w;
    }

    /** Decodes to a UTF-8 string. */
    public static String decodeToString(byte[] src, int off, int len, boolean plusIsSpace) {
        boolean plain = true;
        for (int i = off; i < off + len; i++) {
            if (src[i] == '%' || (plusIsSpace && src[i] == '+')) {
                plain = false;
                break;
            }
        }
        if (plain) {
            return new String(src, off, len, StandardCharsets.UTF_8);
        }
        byte[] dst = new byte[len];
        int n = decode(src, off, len, dst, plusIsSpace);
        return new String(dst, 0, n, StandardCharsets.UTF_8);
    }

}
