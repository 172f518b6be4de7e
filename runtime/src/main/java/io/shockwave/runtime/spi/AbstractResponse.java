package io.shockwave.runtime.spi;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;
import io.shockwave.runtime.Response;
import io.shockwave.runtime.Status;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The protocol-independent half of a response whose protocol frames the body itself
 * (HTTP/2, HTTP/3): status, fields, declared length, trailers, and the rules around the
 * commit. A subclass supplies the stream the body goes through and what happens at the
 * commit and the end.
 */
public abstract class AbstractResponse implements Response {
    private final Headers headers = new Headers(128, 6);
    private Headers trailers;
    private Status status = Status.OK;
    private long contentLength = -1;
    /** The status and fields are on their way (a writer may read them): no change after this. */
    protected boolean committed;
    /** Body bytes the handler wrote, counted whether or not they are sent (HEAD, 204). */
    protected long written;

    protected AbstractResponse() {
    }

    /** The body's own stream, without the guards a handler's view adds: what {@link #send} writes to. */
    protected abstract OutputStream body();

    @Override
    public Response status(Status status) {
        checkNotCommitted();
        this.status = status;
        return this;
    }

    protected final void checkNotCommitted() {
        if (committed) {
            throw new IllegalStateException("response already committed");
        }
    }

    @Override
    public final Status status() {
        return status;
    }

    @Override
    public final Headers headers() {
        return headers;
    }

    @Override
    public final Response contentLength(long length) {
        checkNotCommitted();
        this.contentLength = length < 0 ? -1 : length;
        return this;
    }

    /** The length declared so far, or -1. */
    public final long declaredLength() {
        return contentLength;
    }

    /** Declares the length at the end, once all of a body that was never flushed is known. */
    protected final void declareLength(long length) {
        this.contentLength = length;
    }

    @Override
    public final void send(byte[] body) {
        send(body, 0, body.length);
    }

    @Override
    public final void send(byte[] body, int offset, int length) {
        checkNotCommitted();
        if (written > 0) {
            throw new IllegalStateException("response already committed");
        }
        contentLength = length;
        try {
            body().write(body, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public final void send(String body) {
        if (!headers.contains(HeaderName.CONTENT_TYPE)) {
            headers.set(HeaderName.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        send(body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public final Headers trailers() {
        if (trailers == null) {
            trailers = new Headers(64, 2);
        }
        return trailers;
    }

    /** The trailers, or null when there are none to send. */
    public final Headers trailersOrNull() {
        return trailers == null || trailers.isEmpty() ? null : trailers;
    }

    /** The body bytes sent, for the exchange's observers: 0 for a response to HEAD or a status without content. */
    public final long bodyBytes(boolean head) {
        return head || !status.allowsContent() ? 0 : written;
    }

    @Override
    public final boolean isCommitted() {
        return committed;
    }

    /**
     * Counts {@code len} more body bytes; fails if they go past the declared length
     * (the response would no longer say how long it is).
     */
    protected final void count(int len) throws IOException {
        if (contentLength >= 0 && written + len > contentLength) {
            throw new IOException("response body longer than its content-length of " + contentLength);
        }
        written += len;
    }

    /** Drops what a failed handler set, so the error handler starts afresh. Only before commit. */
    protected void resetForError() {
        status = Status.OK;
        headers.clear();
        if (trailers != null) {
            trailers.clear();
        }
        contentLength = -1;
        written = 0;
    }
}
