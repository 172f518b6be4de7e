package io.shockwave.runtime;

import java.time.Duration;

/**
 * Bounds on what one client can make the server hold. The defaults are what a
 * public-facing server would pick; every one can be changed with the withers.
 *
 * @param maxRequestLineLength bytes in the request line (method, target, version); over it: 414
 * @param maxHeaderBytes bytes in the header section; over it: 431
 * @param maxHeaderCount header fields in a request; over it: 431
 * @param maxBodySize bytes in a request body; over it: 413
 * @param maxConnections connections open at once; beyond it new ones get 503 and are closed
 * @param maxTrailerBytes bytes in a chunked body's trailer section; over it: 431
 * @param minRequestBodyRate the slowest a request body may arrive; slower: 408, and the
 *                           connection is closed (by default 240 bytes/s after 5 s, as Kestrel)
 * @param minResponseRate the slowest a client may read a response while the server waits
 *                        on it; slower: the connection is closed (by default 240 bytes/s after 5 s)
 * @param maxQuicConnections HTTP/3 connections open at once, within {@code maxConnections};
 *                           beyond it new ones are closed with H3_EXCESSIVE_LOAD. Lower than
 *                           TCP's: Kwik runs about five platform threads per QUIC connection
 */
public record Limits(int maxRequestLineLength,
                     int maxHeaderBytes,
                     int maxHeaderCount,
                     long maxBodySize,
                     int maxConnections,
                     int maxTrailerBytes,
                     DataRate minRequestBodyRate,
                     DataRate minResponseRate,
                     int maxQuicConnections) {

    private static final DataRate DEFAULT_RATE = DataRate.of(240, Duration.ofSeconds(5));

    public static final Limits DEFAULT = new Limits(8 * 1024, 16 * 1024, 100, 10L * 1024 * 1024, 10_000, 8 * 1024,
            DEFAULT_RATE, DEFAULT_RATE, 1_000);

    public Limits {
        positive(maxRequestLineLength, "maxRequestLineLength");
        positive(maxHeaderBytes, "maxHeaderBytes");
        positive(maxHeaderCount, "maxHeaderCount");
        positive(maxBodySize, "maxBodySize");
        positive(maxConnections, "maxConnections");
        positive(maxTrailerBytes, "maxTrailerBytes");
        positive(maxQuicConnections, "maxQuicConnections");
        if (minRequestBodyRate == null || minResponseRate == null) {
            throw new IllegalArgumentException("a data rate must not be null: use DataRate.NONE");
        }
    }

    public Limits withMaxQuicConnections(int v) {
        return new Limits(maxRequestLineLength, maxHeaderBytes, maxHeaderCount, maxBodySize, maxConnections,
                maxTrailerBytes, minRequestBodyRate, minResponseRate, v);
    }

    private static void positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    public Limits withMaxRequestLineLength(int v) {
        return new Limits(v, maxHeaderBytes, maxHeaderCount, maxBodySize, maxConnections, maxTrailerBytes,
                minRequestBodyRate, minResponseRate, maxQuicConnections);
    }

    public Limits withMaxHeaderBytes(int v) {
        return new Limits(maxRequestLineLength, v, maxHeaderCount, maxBodySize, maxConnections, maxTrailerBytes,
                minRequestBodyRate, minResponseRate, maxQuicConnections);
    }

    public Limits withMaxHeaderCount(int v) {
        return new Limits(maxRequestLineLength, maxHeaderBytes, v, maxBodySize, maxConnections, maxTrailerBytes,
                minRequestBodyRate, minResponseRate, maxQuicConnections);
    }

    public Limits withMaxBodySize(long v) {
        return new Limits(maxRequestLineLength, maxHeaderBytes, maxHeaderCount, v, maxConnections, maxTrailerBytes,
                minRequestBodyRate, minResponseRate, maxQuicConnections);
    }

    public Limits withMaxConnections(int v) {
        return new Limits(maxRequestLineLength, maxHeaderBytes, maxHeaderCount, maxBodySize, v, maxTrailerBytes,
                minRequestBodyRate, minResponseRate, maxQuicConnections);
    }

    public Limits withMaxTrailerBytes(int v) {
        return new Limits(maxRequestLineLength, maxHeaderBytes, maxHeaderCount, maxBodySize, maxConnections, v,
                minRequestBodyRate, minResponseRate, maxQuicConnections);
    }

    public Limits withMinRequestBodyRate(DataRate v) {
        return new Limits(maxRequestLineLength, maxHeaderBytes, maxHeaderCount, maxBodySize, maxConnections,
                maxTrailerBytes, v, minResponseRate, maxQuicConnections);
    }

    public Limits withMinResponseRate(DataRate v) {
        return new Limits(maxRequestLineLength, maxHeaderBytes, maxHeaderCount, maxBodySize, maxConnections,
                maxTrailerBytes, minRequestBodyRate, v, maxQuicConnections);
    }
}
