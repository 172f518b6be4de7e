package io.shockwave.runtime;

import io.shockwave.runtime.internal.StubRequest;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What {@link TrustedProxies} believes, and from whom. */
class TrustedProxiesTest {
    private static final TrustedProxies PROXIES = TrustedProxies.of("10.0.0.0/8", "192.168.1.1", "fd00::/8");
    private static final TrustedProxies ALL_FIELDS = PROXIES.withForwardedProto().withForwardedHost();

    /** The request the handler behind the filter sees. */
    private static Request seen(TrustedProxies filter, StubRequest request) throws Exception {
        AtomicReference<Request> seen = new AtomicReference<>();
        filter.filter(request, null, (req, res) -> seen.set(req));
        return seen.get();
    }

    private static StubRequest from(String ip, String... fields) {
        StubRequest r = StubRequest.of(Method.GET, "/").from(ip);
        r.headers().set(HeaderName.HOST, "internal:8080");
        for (int i = 0; i < fields.length; i += 2) {
            r.headers().add(fields[i], fields[i + 1]);
        }
        return r;
    }

    @Test
    void fromATrustedProxyTheNearestUntrustedHopIsTheClient() throws Exception {
        Request r = seen(ALL_FIELDS, from("10.1.2.3",
                "X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.9.9.9",
                "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "shop.example:443"));
        assertEquals(InetAddress.ofLiteral("203.0.113.7"), r.clientAddress());
        assertEquals("https", r.scheme());
        assertEquals("shop.example:443", r.host());
        assertEquals(InetAddress.ofLiteral("10.1.2.3"), r.remoteAddress().getAddress());
    }

    /** nginx's usual configuration sets -For and -Proto and passes a client's -Host on: not read unless asked for. */
    @Test
    void protoAndHostAreReadOnlyWhenAskedFor() throws Exception {
        Request r = seen(PROXIES, from("10.1.2.3", "X-Forwarded-For", "203.0.113.7",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example"));
        assertEquals(InetAddress.ofLiteral("203.0.113.7"), r.clientAddress());
        assertEquals("http", r.scheme());
        assertEquals("internal:8080", r.host());
        assertEquals("https", seen(PROXIES.withForwardedProto(), from("10.1.2.3", "X-Forwarded-For", "203.0.113.7",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example")).scheme());
    }

    @Test
    void fromAnyoneElseTheFieldsAreIgnoredAndNothingIsWrapped() throws Exception {
        StubRequest direct = from("203.0.113.7", "X-Forwarded-For", "1.1.1.1", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "evil.example");
        Request r = seen(PROXIES, direct);
        assertSame(direct, r);
        assertEquals(InetAddress.ofLiteral("203.0.113.7"), r.clientAddress());
        assertEquals("http", r.scheme());
        assertEquals("internal:8080", r.host());
    }

    @Test
    void theKindOfFieldNotChosenIsNeverRead() throws Exception {
        // The proxy writes X-Forwarded-For and passes the client's own Forwarded through.
        Request r = seen(PROXIES, from("10.1.2.3", "Forwarded", "for=1.1.1.1;proto=https;host=evil.example",
                "X-Forwarded-For", "203.0.113.7"));
        assertEquals(InetAddress.ofLiteral("203.0.113.7"), r.clientAddress());
        assertEquals("http", r.scheme());
        assertEquals("internal:8080", r.host());

        Request rfc = seen(PROXIES.withForwardedHeader(), from("fd00::1",
                "Forwarded", "for=6.6.6.6, for=\"[2001:db8:cafe::17]:4711\";proto=https;host=\"a.example\"",
                "Forwarded", "for=192.168.1.1", "X-Forwarded-For", "1.1.1.1"));
        assertEquals(InetAddress.ofLiteral("2001:db8:cafe::17"), rfc.clientAddress());
        assertEquals("https", rfc.scheme());
        assertEquals("a.example", rfc.host());
    }

    @Test
    void valuesThatAreNotWhatTheyClaimAreDropped() throws Exception {
        Request r = seen(ALL_FIELDS, from("10.0.0.1", "X-Forwarded-For", "not-an-ip",
                "X-Forwarded-Proto", "javascript", "X-Forwarded-Host", "a.example/@evil \"x\""));
        assertEquals(InetAddress.ofLiteral("10.0.0.1"), r.clientAddress()); // "unknown": the proxy is the last known
        assertEquals("http", r.scheme());
        assertEquals("internal:8080", r.host());
        // A hostname in X-Forwarded-For is never looked up.
        assertEquals(InetAddress.ofLiteral("10.0.0.1"),
                seen(PROXIES, from("10.0.0.1", "X-Forwarded-For", "localhost")).clientAddress());
        // IPv4 with a port, IPv6 bare and bracketed.
        assertEquals(InetAddress.ofLiteral("198.51.100.2"),
                seen(PROXIES, from("10.0.0.1", "X-Forwarded-For", "198.51.100.2:5555")).clientAddress());
        assertEquals(InetAddress.ofLiteral("2001:db8::5"),
                seen(PROXIES, from("10.0.0.1", "X-Forwarded-For", "2001:db8::5")).clientAddress());
    }

    @Test
    void aLongForgedListIsReadOnlyFromTheRight() throws Exception {
        String forged = "1.1.1.1, ".repeat(10_000) + "10.0.0.2, 10.0.0.3";
        // Every hop within reach is a trusted proxy: the client is the farthest one read.
        Request r = seen(PROXIES, from("10.0.0.1", "X-Forwarded-For", forged));
        assertEquals(InetAddress.ofLiteral("1.1.1.1"), r.clientAddress());
    }

    @Test
    void rangesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of("proxy.example"));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of());
        TrustedProxies p = TrustedProxies.of("172.16.0.0/12");
        assertEquals(true, p.trusts(InetAddress.ofLiteral("172.31.255.255")));
        assertEquals(false, p.trusts(InetAddress.ofLiteral("172.32.0.0")));
        assertEquals(false, p.trusts(InetAddress.ofLiteral("::1")));
    }
}
