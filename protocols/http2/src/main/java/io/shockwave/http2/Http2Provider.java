package io.shockwave.http2;

import io.shockwave.http2.internal.Http2Connection;
import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.spi.ConnectionChannel;
import io.shockwave.runtime.spi.ProtocolProvider;
import io.shockwave.runtime.spi.ServerContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

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

    private static final HeaderName HTTP2_SETTINGS = HeaderName.of("HTTP2-Settings");

    /**
     * RFC 7540 §3.2 (what {@code curl --http2} and the JDK's client send on http://): a
     * cleartext request with {@code Upgrade: h2c}, one valid {@code HTTP2-Settings} field,
     * and both named in {@code Connection}.
     */
    @Override
    public String upgradeToken(Request request) {
        if (request.isSecure() || !request.headers().containsToken(HeaderName.UPGRADE, "h2c")
                || !request.headers().containsToken(HeaderName.CONNECTION, "http2-settings")) {
            return null;
        }
        List<String> settings = request.headers().getAll(HTTP2_SETTINGS);
        return settings.size() == 1 && settingsPayload(settings.getFirst()) != null ? "h2c" : null;
    }

    @Override
    public void serveUpgrade(ConnectionChannel channel, ServerContext context, Request request) throws IOException {
        byte[] settings = settingsPayload(request.headers().get(HTTP2_SETTINGS));
        new Http2Connection(channel, context).serveUpgrade(request, settings);
    }

    /** The SETTINGS payload in {@code HTTP2-Settings} (base64url, RFC 7540 §3.2.1), or null if malformed. */
    private static byte[] settingsPayload(String value) {
        try {
            byte[] payload = Base64.getUrlDecoder().decode(value.strip());
            return payload.length % 6 == 0 ? payload : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
