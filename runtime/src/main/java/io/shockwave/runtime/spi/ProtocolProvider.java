package io.shockwave.runtime.spi;

import io.shockwave.runtime.Request;

import java.io.IOException;

/**
 * A protocol that can claim a connection, such as HTTP/1.1 or HTTP/2 with prior
 * knowledge. The transport asks each provider, highest {@link #priority()} first, about
 * the first bytes the client sent, and hands the connection to the first that answers
 * {@link Detection#SUPPORTED}. Found with {@link java.util.ServiceLoader}.
 */
public interface ProtocolProvider {
    enum Detection { SUPPORTED, UNSUPPORTED, NEED_MORE }

    /** The ALPN identifier: {@code http/1.1}, {@code h2}. */
    String id();

    /** Providers with a higher priority are asked first; a catch-all such as HTTP/1.1 is lowest. */
    int priority();

    /** How many bytes {@link #detect} needs at most to decide; 0 when it accepts anything. */
    int bytesToIdentify();

    /** Whether the connection whose first bytes are {@code buf[off, off+len)} speaks this protocol. */
    Detection detect(byte[] buf, int off, int len);

    /**
     * Serves the connection until it ends, on the calling (virtual) thread. Bytes read
     * during detection are returned again by the channel's first reads.
     */
    void serve(ConnectionChannel channel, ServerContext context) throws IOException;

    /**
     * The token to answer in {@code Upgrade} if this protocol takes over the cleartext
     * connection on which {@code request} asked for it (RFC 9110 §7.8), as {@code h2c}
     * does (RFC 7540 §3.2); {@code null} if it does not.
     */
    default String upgradeToken(Request request) {
        return null;
    }

    /**
     * Serves a connection that switched to this protocol after {@code request}, which
     * asked for it and had no body; {@code 101 Switching Protocols} has been sent, and
     * the bytes that followed the request are returned again by the channel's reads. The
     * protocol answers {@code request} itself, on the calling thread, as {@link #serve} does.
     */
    default void serveUpgrade(ConnectionChannel channel, ServerContext context, Request request) throws IOException {
        throw new UnsupportedOperationException(id() + " cannot be upgraded to");
    }
}
