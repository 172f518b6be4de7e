package io.shockwave.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the handler sees it, whatever protocol carried it. The instance
 * is reused for the next request on the same connection or stream: keep the values,
 * not the object, past the handler's return.
 */
public interface Request {
    Method method();

    /** The path, percent-decoded as UTF-8, e.g. {@code /users/a b}. */
    String path();

    /** The path exactly as sent, e.g. {@code /users/a%20b}. */
    String rawPath();

    /** The query without the {@code ?}, as sent, or {@code null} when there is none. */
    String rawQuery();

    /** The first value of query parameter {@code name}, decoded, or {@code null}. */
    String queryParam(String name);

    /** Every value of query parameter {@code name}, decoded, in order. */
    List<String> queryParams(String name);

    /** All query parameters, decoded, in order of first appearance. */
    Map<String, List<String>> queryParams();

    /** The value a route pattern captured for {@code {name}}, decoded, or {@code null}. */
    String pathParam(String name);

    Headers headers();

    /** Shorthand for {@code headers().get(name)}. */
    default String header(HeaderName name) {
        return headers().get(name);
    }

    default String header(String name) {
        return headers().get(name);
    }

    /** The cookies the client sent, by name (the first of a name wins); empty when none. Parsed once per request. */
    default Map<String, String> cookies() {
        return Cookie.of(this);
    }

    /** The value of cookie {@code name}, or {@code null}. */
    default String cookie(String name) {
        return cookies().get(name);
    }

    /**
     * The fields of an {@code application/x-www-form-urlencoded} or {@code multipart/form-data}
     * body, decoded as UTF-8, in order of first appearance; empty for any other body. Reads
     * the body on the first call (at most 1 MiB and 1,000 fields, else 413 or 400) and keeps
     * the result for later ones. The files of a multipart form are left out: read those with
     * {@link Multipart}, instead of this.
     */
    default Map<String, List<String>> formParams() throws IOException {
        return io.shockwave.runtime.internal.Forms.of(this);
    }

    /** The first value of form field {@code name}, or {@code null}; see {@link #formParams()}. */
    default String formParam(String name) throws IOException {
        List<String> values = formParams().get(name);
        return values == null ? null : values.getFirst();
    }

    /** The declared body length, or -1 when it is not known in advance (chunked, streamed). */
    long contentLength();

    /**
     * The body. A read that fails (malformed framing, past the body limit, too slow, the
     * connection lost) throws a {@link RequestBodyException} carrying the status the client
     * gets, and so does every read after it. Whatever the handler leaves unread is discarded.
     */
    InputStream body();

    /** The whole body; see {@link #body()} for the limit. */
    default byte[] bodyBytes() throws IOException {
        return body().readAllBytes();
    }

    default String bodyString() throws IOException {
        return new String(bodyBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Trailer fields, complete once the body has been read to its end; empty before. */
    Headers trailers();

    /** {@code HTTP/1.1}, {@code HTTP/1.0}, {@code HTTP/2} or {@code HTTP/3}. */
    String protocol();

    boolean isSecure();

    /** The peer of the connection: the client, or the proxy in front of the server. */
    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /**
     * The host the client asked for, port included when it named one ({@code Host}, or
     * HTTP/2's and HTTP/3's {@code :authority}); behind {@link TrustedProxies}, the one the
     * proxy forwarded. {@code null} for an HTTP/1.0 request without one.
     */
    default String host() {
        return headers().get(HeaderName.HOST);
    }

    /** {@code https} or {@code http}; behind {@link TrustedProxies}, what the client used to reach the proxy. */
    default String scheme() {
        return isSecure() ? "https" : "http";
    }

    /** The client's address: the peer's, or behind {@link TrustedProxies} the one the proxies forwarded. */
    default java.net.InetAddress clientAddress() {
        InetSocketAddress peer = remoteAddress();
        return peer == null ? null : peer.getAddress();
    }

    /**
     * The value attached under {@code name} by {@link #attribute(String, Object)}, or
     * {@code null}: how a filter hands what it found (the user, a tenant, a trace id) to the
     * handler. Cast to the type the caller expects.
     */
    <T> T attribute(String name);

    /**
     * Attaches {@code value} to this request under {@code name}, replacing what was there;
     * {@code null} removes it. Attributes live as long as the exchange: the next request on
     * the connection starts with none.
     */
    Request attribute(String name, Object value);
}
