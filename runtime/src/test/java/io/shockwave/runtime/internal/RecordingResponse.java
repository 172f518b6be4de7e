package io.shockwave.runtime.internal;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;
import io.shockwave.runtime.Response;
import io.shockwave.runtime.Status;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A response that keeps what the handler set and sent, for assertions. */
public final class RecordingResponse implements Response {
    private final Headers headers = new Headers();
    private final Headers trailers = new Headers();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private Status status = Status.OK;
    private long contentLength = -1;
    private boolean committed;
    private int sends;

    @Override
    public Response status(Status status) {
        checkNotCommitted();
        this.status = status;
        return this;
    }

    @Override
    public Status status() {
        return status;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public Response contentLength(long length) {
        checkNotCommitted();
        contentLength = length;
        return this;
    }

    @Override
    public void send(byte[] body) {
        send(body, 0, body.length);
    }

    @Override
    public void send(byte[] body, int offset, int length) {
        checkNotCommitted();
        this.body.write(body, offset, length);
        committed = true;
        sends++;
    }

    @Override
    public void send(String body) {
        if (!headers.contains(HeaderName.CONTENT_TYPE)) {
            headers.set(HeaderName.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        send(body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public OutputStream output() {
        committed = true;
        return body;
    }

    @Override
    public Headers trailers() {
        return trailers;
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    public long declaredContentLength() {
        return contentLength;
    }

    public int sends() {
        return sends;
    }

    public String bodyText() {
        return body.toString(StandardCharsets.UTF_8);
    }

    private void checkNotCommitted() {
        if (committed) {
            throw new IllegalStateException("already committed");
        }
    }
}
