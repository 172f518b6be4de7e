package io.shockwave.http1.internal;

import io.shockwave.runtime.Headers;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.spi.AbstractRequest;
import io.shockwave.runtime.spi.ConnectionChannel;

import java.io.InputStream;
import java.net.InetSocketAddress;

/** A request read from an HTTP/1.x connection; one instance serves every request on it. */
public final class Http1Request extends AbstractRequest {
    private final ConnectionChannel channel;
    // Small to start with: they grow to the largest request the connection has seen.
    private final Headers headers = new Headers(64, 4);
    private Headers trailers;
    private Method method;
    private int minorVersion;
    private long contentLength;
    private boolean chunked;
    private boolean keepAlive;
    private boolean expectContinue;
    private boolean upgrade;
    private InputStream body;

    public Http1Request(ConnectionChannel channel) {
        this.channel = channel;
    }

    /** Sets the request line; the head {@code buf[headStart, headEnd)} is copied into the headers' storage. */
    void head(byte[] buf, int headStart, int headEnd, Method method, int minorVersion,
              int targetStart, int targetEnd, int query) {
        headers.endBlock(buf, headStart, headEnd - headStart); // the parser recorded the fields
        if (trailers != null) {
            trailers.clear();
        }
        this.method = method;
        this.minorVersion = minorVersion;
        byte[] head = headers.rawData();
        int ts = targetStart - headStart;
        int te = targetEnd - headStart;
        int pathStart = ts;
        int pathEnd = query < 0 ? te : query - headStart;
        // RFC 9112 §3.2.2: absolute-form; route on its path. asterisk-form has no path.
        if (head[ts] != '/') {
            int scheme = indexOf(head, ts, pathEnd, "://");
            if (scheme > 0) {
                int slash = scheme + 3;
                while (slash < pathEnd && head[slash] != '/') {
                    slash++;
                }
                if (slash == pathEnd) {
                    // RFC 9110 §4.2.3: an empty path means "/"; the last slash of "://" spells it.
                    slash = scheme + 2;
                    pathEnd = scheme + 3;
                }
                pathStart = slash;
            }
        }
        int q = query < 0 ? -1 : query - headStart + 1;
        target(head, pathStart, pathEnd - pathStart, q, q < 0 ? 0 : te - q);
    }

    void framing(long contentLength, boolean chunked, boolean keepAlive, boolean expectContinue, boolean upgrade) {
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.keepAlive = keepAlive;
        this.expectContinue = expectContinue;
        this.upgrade = upgrade;
    }

    private static int indexOf(byte[] buf, int from, int to, String s) {
        outer:
        for (int i = from; i + s.length() <= to; i++) {
            for (int k = 0; k < s.length(); k++) {
                if (buf[i + k] != s.charAt(k)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    void body(InputStream body) {
        this.body = body;
    }

    boolean isChunked() {
        return chunked;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    boolean expectsContinue() {
        return expectContinue;
    }

    boolean wantsUpgrade() {
        return upgrade;
    }

    int minorVersion() {
        return minorVersion;
    }

    @Override
    public Method method() {
        return method;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public long contentLength() {
        return chunked ? -1 : Math.max(contentLength, 0);
    }

    long declaredContentLength() {
        return contentLength;
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public Headers trailers() {
        if (trailers == null) {
            trailers = new Headers(64, 4);
        }
        return trailers;
    }

    @Override
    public String protocol() {
        return minorVersion == 1 ? "HTTP/1.1" : "HTTP/1.0";
    }

    @Override
    public boolean isSecure() {
        return channel.isSecure();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return channel.localAddress();
    }
}
