package io.shockwave.runtime;

import java.io.OutputStream;

/**
 * The response a handler builds. Status and headers may change until the response is
 * committed: by {@code send}, or by the first bytes flushed from {@link #output()}.
 * The instance is reused for the next exchange on the same connection or stream.
 */
public interface Response {
    Response status(Status status);

    default Response status(int code) {
        return status(Status.of(code));
    }

    Status status();

    Headers headers();

    default Response header(HeaderName name, String value) {
        headers().set(name, value);
        return this;
    }

    default Response header(String name, String value) {
        headers().set(name, value);
        return this;
    }

    default Response contentType(String mediaType) {
        headers().set(HeaderName.CONTENT_TYPE, mediaType);
        return this;
    }

    /** Adds a {@code Set-Cookie} field for {@code cookie}; before the commit, like every header. */
    default Response cookie(Cookie cookie) {
        headers().add(HeaderName.SET_COOKIE, cookie.toSetCookie());
        return this;
    }

    /** Declares the body length before streaming it through {@link #output()}; -1 for unknown. */
    Response contentLength(long length);

    /** Sends {@code body} as the whole response, with Content-Length. */
    void send(byte[] body);

    void send(byte[] body, int offset, int length);

    /** Sends {@code body} as UTF-8; sets {@code text/plain; charset=utf-8} if no Content-Type was set. */
    void send(String body);

    /** Redirects with 302 Found: {@code redirect(Status.FOUND, location)}. */
    default void redirect(String location) {
        redirect(Status.FOUND, location);
    }

    /**
     * Sends {@code status}, a 3xx, with {@code Location: location} and no body. The location
     * goes out as given (a relative reference is fine, RFC 9110 §10.2.2); one with a control
     * character is refused with {@link IllegalArgumentException}, so a redirect made from
     * request input cannot add header fields.
     */
    default void redirect(Status status, String location) {
        if (status.code() < 300 || status.code() > 399) {
            throw new IllegalArgumentException("not a redirection status: " + status.code());
        }
        status(status).header(HeaderName.LOCATION, location).send();
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code position} as the whole body, with
     * Content-Length. On cleartext HTTP/1.1 over the epoll transport the kernel sends it
     * ({@code sendfile(2)}); elsewhere it is copied through the connection's buffers, a
     * buffer at a time, never read whole into memory. A file that turns out shorter fails
     * the response (aborted: the client sees it incomplete).
     */
    default void sendFile(java.nio.file.Path file, long position, long count) throws java.io.IOException {
        io.shockwave.runtime.internal.FileBodies.copy(this, file, position, count);
    }

    /** Sends the whole of {@code file}; see {@link #sendFile(java.nio.file.Path, long, long)}. */
    default void sendFile(java.nio.file.Path file) throws java.io.IOException {
        sendFile(file, 0, java.nio.file.Files.size(file));
    }

    /** Sends the response with no body. */
    default void send() {
        send(EMPTY, 0, 0);
    }

    /**
     * The body as a stream. Without a declared length it is sent in chunks on HTTP/1.1
     * (or framed by the protocol); {@code flush()} pushes what was written to the client,
     * {@code close()} ends the response. Closing it is optional: the server ends the
     * response when the handler returns.
     */
    OutputStream output();

    /** Trailer fields sent after a streamed body (HTTP/1.1 chunked, HTTP/2, HTTP/3). */
    Headers trailers();

    boolean isCommitted();

    byte[] EMPTY = new byte[0];
}
