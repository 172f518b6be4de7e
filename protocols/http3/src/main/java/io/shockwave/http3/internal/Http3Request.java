package io.shockwave.http3.internal;

import io.shockwave.runtime.Headers;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.spi.AbstractRequest;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A request carried by one HTTP/3 request stream. Built by {@link FieldSection} from the decoded HEADERS. */
final class Http3Request extends AbstractRequest {
    private final Http3Stream stream;
    final Headers headers = new Headers(256, 8);
    Headers trailers;
    Method method;
    long contentLength = -1;

    Http3Request(Http3Stream stream) {
        this.stream = stream;
        target(NO_TARGET, 0, 0, -1, 0); // until :path is read: an error handler may ask for it
    }

    private static final byte[] NO_TARGET = new byte[0];

    /** Sets the target from the {@code :path} value, split at the first '?'. */
    void target(String path) {
        byte[] b = path.getBytes(StandardCharsets.ISO_8859_1);
        int query = path.indexOf('?');
        if (query < 0) {
            target(b, 0, b.length, -1, 0);
        } else {
            target(b, 0, query, query + 1, b.length - query - 1);
        }
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
        return stream.body();
    }

    @Override
    public Headers trailers() {
        if (trailers == null) {
            trailers = new Headers(64, 2);
        }
        return trailers;
    }

    @Override
    public String protocol() {
        return "HTTP/3";
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return stream.connection.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return stream.connection.localAddress();
    }
}
