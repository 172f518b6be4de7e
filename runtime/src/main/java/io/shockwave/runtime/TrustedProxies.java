package io.shockwave.runtime;

import io.shockwave.runtime.internal.AddressRange;
import io.shockwave.runtime.internal.ForwardedHops;
import io.shockwave.runtime.internal.ForwardedHops.Hop;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * A filter that believes {@code X-Forwarded-For} (with {@link #withForwardedProto()} and
 * {@link #withForwardedHost()}, {@code X-Forwarded-Proto} and {@code -Host} too; or,
 * {@link #withForwardedHeader() instead}, RFC 7239's {@code Forwarded}) only when the
 * connection comes from a proxy the application trusts, so that {@link Request#clientAddress()}, {@link Request#scheme()} and
 * {@link Request#host()} name the client and the origin it asked for:
 *
 * <pre>{@code
 * Server.builder().filter(TrustedProxies.of("10.0.0.0/8", "127.0.0.1", "::1"))
 * }</pre>
 *
 * <p>The hops are read from the nearest (the last) back: the client is the first address
 * that is not itself a trusted proxy, so what a client writes into these fields itself, to
 * the left of what the proxies add, is never taken. From any other peer the fields are
 * ignored: a request that did not come through a trusted proxy passes unchanged, without an
 * allocation. {@code remoteAddress()} stays the peer (after the PROXY protocol, if the
 * listener speaks it).
 *
 * <p>One of the two kinds of field is read, never both: a proxy that writes one passes the
 * other through as the client sent it, so reading both would let a client choose its own
 * address. For the same reason {@code X-Forwarded-Proto} and {@code -Host} are read only when
 * asked for: nginx's usual configuration sets {@code -For} and {@code -Proto} but passes a
 * client's {@code X-Forwarded-Host} on, which would let it choose the host that links and
 * redirects are made from.
 */
public final class TrustedProxies implements Filter {
    private final AddressRange[] trusted;
    private final boolean forwardedHeader;
    private final boolean proto;
    private final boolean host;

    private TrustedProxies(AddressRange[] trusted, boolean forwardedHeader, boolean proto, boolean host) {
        this.trusted = trusted;
        this.forwardedHeader = forwardedHeader;
        this.proto = proto;
        this.host = host;
    }

    /** Trusts these addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1}). */
    public static TrustedProxies of(String... addressesOrBlocks) {
        if (addressesOrBlocks.length == 0) {
            throw new IllegalArgumentException("no trusted proxy given");
        }
        return new TrustedProxies(Arrays.stream(addressesOrBlocks).map(AddressRange::parse).toArray(AddressRange[]::new),
                false, false, false);
    }

    /**
     * The same proxies, whose hops are read from {@code Forwarded} (RFC 7239) instead of
     * {@code X-Forwarded-*}: for, proto and host, from each hop's own element.
     */
    public TrustedProxies withForwardedHeader() {
        return new TrustedProxies(trusted, true, true, true);
    }

    /** Believes {@code X-Forwarded-Proto} too: only if every trusted proxy sets it, never passes a client's on. */
    public TrustedProxies withForwardedProto() {
        return new TrustedProxies(trusted, forwardedHeader, true, host);
    }

    /** Believes {@code X-Forwarded-Host} too: only if every trusted proxy sets it, never passes a client's on. */
    public TrustedProxies withForwardedHost() {
        return new TrustedProxies(trusted, forwardedHeader, proto, true);
    }

    /** Whether {@code address} is one of the trusted proxies. */
    public boolean trusts(InetAddress address) {
        for (AddressRange r : trusted) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void filter(Request request, Response response, Handler next) throws Exception {
        InetSocketAddress peer = request.remoteAddress();
        if (peer == null || peer.getAddress() == null || !trusts(peer.getAddress())) {
            next.handle(request, response);
            return;
        }
        List<Hop> hops = forwardedHeader
                ? ForwardedHops.fromForwarded(request.headers())
                : ForwardedHops.fromXForwarded(request.headers(), proto, host);
        if (hops.isEmpty()) {
            next.handle(request, response);
            return;
        }
        InetAddress client = peer.getAddress();
        String proto = null;
        String host = null;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Hop hop = hops.get(i);
            if (hop.forAddress() == null) {
                break; // "unknown" or hidden: nothing further left can be checked
            }
            client = hop.forAddress();
            proto = hop.proto() != null ? hop.proto() : proto;
            host = hop.host() != null ? hop.host() : host;
            if (!trusts(client)) {
                break;
            }
        }
        next.handle(new Forwarded(request, client, proto, host), response);
    }

    /** The request as the client made it, by what the trusted proxies forwarded. */
    private static final class Forwarded extends RequestWrapper {
        private final InetAddress client;
        private final String scheme;
        private final String host;

        Forwarded(Request wrapped, InetAddress client, String scheme, String host) {
            super(wrapped);
            this.client = client;
            this.scheme = scheme;
            this.host = host;
        }

        @Override
        public InetAddress clientAddress() {
            return client;
        }

        @Override
        public String scheme() {
            return scheme != null ? scheme : super.scheme();
        }

        @Override
        public String host() {
            return host != null ? host : super.host();
        }
    }
}
