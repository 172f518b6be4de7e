package io.shockwave.http2;

import io.shockwave.http2.internal.Http2Connection;
import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ProtocolProvider;
import io.shockwave.runtime.spi.ServerContext;

import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 on a TCP connection: chosen by ALPN ({@code h2}) over TLS, and in cleartext when
 * the client starts with the connection preface (RFC 9113 §3.3, "prior knowledge").
 */
public final class Http2Provider implements ProtocolProvider {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** For {@link java.util.ServiceLoader}. */
    public Http2Provider() {
    }

    @Override
    public String id() {
        return "h2";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public int bytesToIdentify() {
        return PREFACE.length;
    }

    /** The preface, byte for byte: anything else is left to HTTP/1.1 as soon as one byte differs. */
    @Override
    public Detection detect(byte[] buf, int off, int len) {
        int n = Math.min(len, PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (buf[off + i] != PREFACE[i]) {
                return Detection.UNSUPPORTED;
            }
        }
        return n == PREFACE.length ? Detection.SUPPORTED : Detection.NEED_MORE;
    }

    @Override
    public void serve(ConnectionChannel channel, ServerContext context) {
        new Http2Connection(channel, context).serve();
    }
}
