package io.shockwave.http2.internal;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;
import io.shockwave.runtime.Request;

/** The HTTP/1.1 request that asked for h2c (RFC 7540 §3.2), carried over as stream 1's request. */
final class UpgradedRequest {
    private UpgradedRequest() {
    }

    /** The upgrading HTTP/1.1 request as stream 1's, without the fields that belonged to that hop. */
    static void copy(Request from, Http2Request to) {
        to.reset();
        to.method = from.method();
        String target = from.rawQuery() == null ? from.rawPath() : from.rawPath() + "?" + from.rawQuery();
        byte[] t = target.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        to.target = t.length <= to.target.length ? to.target : new byte[t.length];
        System.arraycopy(t, 0, to.target, 0, t.length);
        to.target(t.length);
        to.contentLength = 0;
        Headers h = from.headers();
        byte[] data = h.rawData();
        for (int i = 0; i < h.size(); i++) {
            int id = h.nameId(i);
            if (id == HeaderName.CONNECTION.id() || id == HeaderName.UPGRADE.id() || id == HeaderName.KEEP_ALIVE.id()
                    || id == HeaderName.TRANSFER_ENCODING.id() || id == HeaderName.TE.id()
                    || (h.nameLength(i) == 14 && "http2-settings".equalsIgnoreCase(h.name(i)))) {
                continue;
            }
            to.headers.addRaw(data, h.nameOffset(i), h.nameLength(i), h.valueOffset(i), h.valueLength(i));
        }
    }
}
