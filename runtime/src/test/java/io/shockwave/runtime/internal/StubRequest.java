package io.shockwave.runtime.internal;

import io.shockwave.runtime.Headers;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.spi.AbstractRequest;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A request with a method and a target and nothing else, for routing and query tests. */
public final class StubRequest extends AbstractRequest {
    private final Headers headers = new Headers();
    private final Headers trailers = new Headers();
    private Method method;
    private InetSocketAddress remote = InetSocketAddress.createUnresolved("client.test", 40000);

    /** {@code target} is an origin-form target as sent, e.g. {@code /a%20b?x=1}. */
    public static StubRequest of(Method method, String target) {
        StubRequest r = new StubRequest();
        r.reset(method, target);
        return r;
    }

    /** Reuses this request for another exchange, as a connection does. */
    public StubRequest reset(Method method, String target) {
        this.method = method;
        // Surround the target with other bytes so that offsets, not array bounds, delimit it.
        byte[] buf = ("GET " + target + " HTTP/1.1").getBytes(StandardCharsets.ISO_8859_1);
        int start = 4;
        int end = buf.length - 9;
        int q = target.indexOf('?');
        if (q < 0) {
            target(buf, start, end - start, -1, 0);
        } else {
            target(buf, start, q, start + q + 1, end - start - q - 1);
        }
        return this;
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
        return 0;
    }

    @Override
    public InputStream body() {
        return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public Headers trailers() {
        return trailers;
    }

    @Override
    public String protocol() {
        return "HTTP/1.1";
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    /** The request comes from {@code ip}, an IP literal. */
    public StubRequest from(String ip) {
        remote = new InetSocketAddress(java.net.InetAddress.ofLiteral(ip), 40000);
        return this;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return InetSocketAddress.createUnresolved("server.test", 8080);
    }
}
