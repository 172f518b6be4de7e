package io.shockwave.runtime;

import java.io.OutputStream;
import java.util.Objects;

/**
 * A response that passes every call to another: a {@link Filter} extends it and overrides
 * what it changes, for instance {@link #output()} and {@link #send(byte[], int, int)} to
 * transform the body, then hands the wrapper on. The defaults of {@link Response}
 * ({@code send(String)}, {@code redirect}, {@code header}) go through the overridable methods.
 * {@link #sendFile(java.nio.file.Path, long, long)} goes to the wrapped response, so that a
 * wrapper that only adds headers keeps the zero-copy path: a wrapper that transforms the
 * body overrides it too (see {@code Compression}).
 */
public class ResponseWrapper implements Response {
    private final Response wrapped;

    public ResponseWrapper(Response wrapped) {
        this.wrapped = Objects.requireNonNull(wrapped);
    }

    /** The response this one passes calls to. */
    public Response wrapped() {
        return wrapped;
    }

    @Override
    public Response status(Status status) {
        wrapped.status(status);
        return this;
    }

    @Override
    public Status status() {
        return wrapped.status();
    }

    @Override
    public Headers headers() {
        return wrapped.headers();
    }

    @Override
    public Response contentLength(long length) {
        wrapped.contentLength(length);
        return this;
    }

    @Override
    public void send(byte[] body) {
        send(body, 0, body.length);
    }

    @Override
    public void send(byte[] body, int offset, int length) {
        wrapped.send(body, offset, length);
    }

    @Override
    public void send(String body) {
        if (!headers().contains(HeaderName.CONTENT_TYPE)) {
            headers().set(HeaderName.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        send(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public OutputStream output() {
        return wrapped.output();
    }

    @Override
    public void sendFile(java.nio.file.Path file, long position, long count) throws java.io.IOException {
        wrapped.sendFile(file, position, count);
    }

    @Override
    public Headers trailers() {
        return wrapped.trailers();
    }

    @Override
    public boolean isCommitted() {
        return wrapped.isCommitted();
    }
}
