package io.shockwave.runtime;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request that passes every call to another: a {@link Filter} extends it and overrides
 * what it changes (the body it decodes, the address it learnt from a proxy), then hands
 * the wrapper on. Routes match the wrapper's {@link #path()}.
 */
public class RequestWrapper implements Request {
    private final Request wrapped;

    public RequestWrapper(Request wrapped) {
        this.wrapped = Objects.requireNonNull(wrapped);
    }

    /** The request this one passes calls to. */
    public Request wrapped() {
        return wrapped;
    }

    @Override
    public Method method() {
        return wrapped.method();
    }

    @Override
    public String path() {
        return wrapped.path();
    }

    @Override
    public String rawPath() {
        return wrapped.rawPath();
    }

    @Override
    public String rawQuery() {
        return wrapped.rawQuery();
    }

    @Override
    public String queryParam(String name) {
        return wrapped.queryParam(name);
    }

    @Override
    public List<String> queryParams(String name) {
        return wrapped.queryParams(name);
    }

    @Override
    public Map<String, List<String>> queryParams() {
        return wrapped.queryParams();
    }

    @Override
    public String pathParam(String name) {
        return wrapped.pathParam(name);
    }

    @Override
    public Headers headers() {
        return wrapped.headers();
    }

    @Override
    public long contentLength() {
        return wrapped.contentLength();
    }

    @Override
    public InputStream body() {
        return wrapped.body();
    }

    @Override
    public Headers trailers() {
        return wrapped.trailers();
    }

    @Override
    public String protocol() {
        return wrapped.protocol();
    }

    @Override
    public boolean isSecure() {
        return wrapped.isSecure();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return wrapped.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return wrapped.localAddress();
    }

    @Override
    public String host() {
        return wrapped.host();
    }

    @Override
    public String scheme() {
        return wrapped.scheme();
    }

    @Override
    public java.net.InetAddress clientAddress() {
        return wrapped.clientAddress();
    }

    @Override
    public <T> T attribute(String name) {
        return wrapped.attribute(name);
    }

    @Override
    public Request attribute(String name, Object value) {
        wrapped.attribute(name, value);
        return this;
    }
}
