package io.shockwave.http2.internal;

import io.shockwave.runtime.Headers;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.spi.AbstractRequest;
import io.shockwave.runtime.spi.ConnectionChannel;

import java.io.InputStream;
import java.net.InetSocketAddress;

/** A request carried by one HTTP/2 stream. Built by {@link RequestHeaders} from the decoded header block. */
final class Http2Request extends AbstractRequest {
    private final ConnectionChannel channel;
    final Headers headers = new Headers(256, 8);
    private Headers trailers;
    Method method;
    long contentLength = -1;
    /** The :path as sent, kept here since the target must stay unchanged for the exchange. */
    byte[] target = new byte[64];
    private java.util.function.Supplier<InputStream> body;

    Http2Request(ConnectionChannel channel) {
        this.channel = channel;
    }

    void reset() {
        headers.clear();
        if (trailers != null) {
            trailers.clear();
        }
        method = null;
        contentLength = -1;
    }

    /** Sets the target from {@link #target}{@code [0, length)}, split at the first '?'. */
    void target(int length) {
        int query = -1;
        for (int i = 0; i < length; i++) {
            if (target[i] == '?') {
                query = i;
                break;
            }
        }
        if (query < 0) {
            target(target, 0, length, -1, 0);
        } else {
            target(target, 0, query, query + 1, length - query - 1);
        }
    }

    void body(java.util.function.Supplier<InputStream> body) {
        this.body = body;
    }

    Headers trailersForWriting() {
        if (trailers == null) {
            trailers = new Headers(64, 2);
        }
        return trailers;
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
        return contentLength;
    }

    @Override
    public InputStream body() {
        return body.get();
    }

    @Override
    public Headers trailers() {
        return trailers == null ? trailersForWriting() : trailers;
    }

    @Override
    public String protocol() {
        return "HTTP/2";
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
