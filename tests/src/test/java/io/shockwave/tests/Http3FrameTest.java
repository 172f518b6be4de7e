package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.runtime.Timeouts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tech.kwik.core.ConnectionTerminatedEvent;
import tech.kwik.core.QuicStream;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.shockwave.tests.H3RawClient.DATA;
import static io.shockwave.tests.H3RawClient.concat;
import static io.shockwave.tests.H3RawClient.frame;
import static io.shockwave.tests.H3RawClient.get;
import static io.shockwave.tests.H3RawClient.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * HTTP/3 frame by frame (RFC 9114, RFC 9204): what the server answers to requests and
 * frames a conforming client would not send. Malformed requests get 400 on their stream
 * (§4.1.2 allows a response before the reset); frames where the RFC puts a connection
 * error close the QUIC connection with that code.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http3FrameTest {
    private static Server server;
    private static int port;

    @BeforeAll
    static void start() {
        server = Server.builder().https("127.0.0.1", 0)
                .timeouts(Timeouts.DEFAULT.withRequestHead(Duration.ofSeconds(1)).withBodyRead(Duration.ofSeconds(1)))
                .routes(r -> r
                        .get("/plaintext", (req, res) -> res.send("Hello over " + req.protocol()))
                        .get("/cookie", (req, res) -> res.send(req.headers().getAll("cookie").toString()))
                        .get("/long-header", (req, res) -> res.header("x-long", "v".repeat(255))
                                .header("x-longer", "w".repeat(4000)).send("ok"))
                        .post("/count", (req, res) -> {
                            byte[] all = req.body().readAllBytes();
                            res.send(all.length + " bytes, trailer " + req.trailers().get("x-checksum"));
                        }))
                .start();
        port = server.http3Port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    private static H3RawClient.Response exchange(byte[] request) throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            return H3RawClient.read(c.request(request, true));
        }
    }

    /** The connection ends; returns the application error code the server closed it with. */
    private static long connectionErrorFor(H3RawClient c) throws Exception {
        ConnectionTerminatedEvent e = c.terminated.get(20, TimeUnit.SECONDS);
        assertEquals(true, e.closedByPeer(), "the client closed it");
        return e.applicationErrorCode() == null ? -1 : e.applicationErrorCode();
    }

    @Test
    void aPlainGetIsAnswered() throws Exception {
        H3RawClient.Response r = exchange(get("/plaintext"));
        assertEquals(200, r.status());
        assertEquals("Hello over HTTP/3", r.text());
    }

    @Test
    void malformedRequestsGet400() throws Exception {
        byte[][] malformed = {
                headers(":method", "GET", ":scheme", "https", ":authority", "localhost"), // no :path
                headers(":method", "GET", ":scheme", "https", ":path", "/plaintext", ":path", "/x"), // :path twice
                headers(":method", "GET", "user-agent", "t", ":scheme", "https", ":path", "/plaintext"), // pseudo after regular
                headers(":method", "GET", ":scheme", "https", ":path", "/plaintext", ":status", "200"), // response pseudo-header
                get("/plaintext", "User-Agent", "upper case"), // §4.2: names are lowercase
                get("/plaintext", "connection", "keep-alive"), // connection-specific
                get("/plaintext", "transfer-encoding", "chunked"),
                get("/plaintext", "te", "gzip"), // TE other than trailers
                get("/plaintext", "x-bad", "line\r\nbreak"),
                headers(":method", "GET", ":scheme", "https", ":path", "plaintext"), // not origin-form
                headers(":method", "POST", ":scheme", "https", ":path", "/count", "content-length", "+5"),
        };
        for (int i = 0; i < malformed.length; i++) {
            H3RawClient.Response r;
            try {
                r = exchange(malformed[i]);
            } catch (IOException e) {
                throw new AssertionError("malformed request " + i + ": " + e, e);
            }
            assertEquals(400, r.status(), "malformed request " + i);
        }
    }

    @Test
    void contentLengthMustMatchTheData() throws Exception {
        byte[] shorter = concat(headers(":method", "POST", ":scheme", "https", ":path", "/count", "content-length", "10"),
                frame(DATA, new byte[4]));
        assertEquals(400, exchange(shorter).status());
        byte[] longer = concat(headers(":method", "POST", ":scheme", "https", ":path", "/count", "content-length", "2"),
                frame(DATA, new byte[4]));
        assertEquals(400, exchange(longer).status());
    }

    @Test
    void trailersReachTheHandler() throws Exception {
        byte[] request = concat(headers(":method", "POST", ":scheme", "https", ":path", "/count"),
                frame(DATA, new byte[300]), frame(DATA, new byte[0]), headers("x-checksum", "abc"));
        H3RawClient.Response r = exchange(request);
        assertEquals(200, r.status());
        assertEquals("300 bytes, trailer abc", r.text());
    }

    @Test
    void unknownFramesAfterTheTrailersAreIgnored() throws Exception {
        byte[] request = concat(headers(":method", "POST", ":scheme", "https", ":path", "/count"),
                frame(DATA, new byte[7]), headers("x-checksum", "t"), frame(0x21, new byte[3]));
        assertEquals("7 bytes, trailer t", exchange(request).text());
    }

    /** §6.2.1: the client's control stream must stay open; closing it is H3_CLOSED_CRITICAL_STREAM. */
    @Test
    void closingTheControlStreamEndsTheConnection() throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            c.control().getOutputStream().close();
            assertEquals(0x104, connectionErrorFor(c));
        }
    }

    @Test
    void unknownFrameTypesAreIgnored() throws Exception {
        byte[] request = concat(frame(0x21, new byte[10]), get("/plaintext"), frame(0x1f * 3 + 0x21, new byte[5]));
        assertEquals(200, exchange(request).status());
    }

    /** §4.1: DATA before HEADERS on a request stream is a connection error of type H3_FRAME_UNEXPECTED. */
    @Test
    void dataBeforeHeadersEndsTheConnection() throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            c.request(concat(frame(DATA, new byte[3]), get("/plaintext")), true);
            assertEquals(0x105, connectionErrorFor(c));
        }
    }

    /** RFC 9204 §2.2.1: this server allows no dynamic table; a section that refers to one is QPACK_DECOMPRESSION_FAILED. */
    @Test
    void aDynamicTableReferenceEndsTheConnection() throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            c.request(frame(H3RawClient.HEADERS, new byte[] {0x02, 0x00, (byte) 0x80}), true);
            assertEquals(0x200, connectionErrorFor(c));
        }
    }

    /** §7.2.4.1: HTTP/2's setting identifiers are reserved; receiving one is H3_SETTINGS_ERROR. */
    @Test
    void anHttp2SettingEndsTheConnection() throws Exception {
        try (H3RawClient c = H3RawClient.connectRaw(port, new byte[] {0x00, H3RawClient.SETTINGS, 0x02, 0x02, 0x00})) {
            assertEquals(0x109, connectionErrorFor(c));
        }
    }

    /**
     * A string that claims to be 2 GiB long in a 10-byte field section: refused before any
     * decoding (QPACK_DECOMPRESSION_FAILED), so nothing of that size is ever allocated.
     */
    @Test
    void aStringLongerThanItsSectionEndsTheConnection() throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            byte[] block = {0x00, 0x00, 0x2F, (byte) 0xF8, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 'a', 'b'};
            c.request(frame(H3RawClient.HEADERS, block), true);
            assertEquals(0x200, connectionErrorFor(c));
        }
        assertEquals(200, exchange(get("/plaintext")).status()); // and the server serves on
    }

    /** §4.2.1: cookie crumbs in separate field lines reach the handler as one field. */
    @Test
    void cookieCrumbsAreJoined() throws Exception {
        H3RawClient.Response r = exchange(get("/cookie", "cookie", "a=1", "cookie", "b=2"));
        assertEquals("[a=1; b=2]", r.text());
    }

    /** Field values whose length needs a multi-byte integer (255: a continuation byte of exactly 128) arrive whole. */
    @Test
    void longResponseFieldsAreEncodedCorrectly() throws Exception {
        H3RawClient.Response r = exchange(get("/long-header"));
        assertEquals(200, r.status());
        assertEquals("v".repeat(255), r.headers().get("x-long"));
        assertEquals("w".repeat(4000), r.headers().get("x-longer"));
    }

    /** §6.2.1: a second control stream is H3_STREAM_CREATION_ERROR. */
    @Test
    void aSecondControlStreamEndsTheConnection() throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            c.unidirectional(new byte[] {0x00, H3RawClient.SETTINGS, 0x00});
            assertEquals(0x103, connectionErrorFor(c));
        }
    }

    /** A request head that never completes gets 408 after the head timeout (1 s here); the connection serves on. */
    @Test
    void aHeadThatNeverCompletesGets408() throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            byte[] full = get("/plaintext");
            QuicStream stalled = c.request(java.util.Arrays.copyOf(full, full.length - 3), false);
            assertEquals(408, H3RawClient.read(stalled).status());
            assertEquals(200, H3RawClient.read(c.request(get("/plaintext"), true)).status());
        }
    }

    /** A body that stops coming gets 408 after the body timeout (1 s here). */
    @Test
    void aBodyThatStopsComingGets408() throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            byte[] start = concat(headers(":method", "POST", ":scheme", "https", ":path", "/count", "content-length", "100"),
                    frame(DATA, new byte[10]));
            assertEquals(408, H3RawClient.read(c.request(start, false)).status());
        }
    }
}
