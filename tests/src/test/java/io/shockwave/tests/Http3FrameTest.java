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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    private static final java.util.concurrent.CountDownLatch bigWriteFailed = new java.util.concurrent.CountDownLatch(1);
    private static final java.util.concurrent.atomic.AtomicInteger handlersStarted = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.Semaphore handlersEnded = new java.util.concurrent.Semaphore(0);
    private static final java.util.concurrent.Semaphore holdBody = new java.util.concurrent.Semaphore(0);

    @BeforeAll
    static void start() {
        server = Server.builder().https("127.0.0.1", 0)
                .timeouts(Timeouts.DEFAULT.withRequestHead(Duration.ofSeconds(1)).withBodyRead(Duration.ofSeconds(1))
                        .withWrite(Duration.ofSeconds(1)))
                .routes(r -> r
                        .get("/plaintext", (req, res) -> res.send("Hello over " + req.protocol()))
                        .get("/cookie", (req, res) -> res.send(req.headers().getAll("cookie").toString()))
                        .get("/long-header", (req, res) -> res.header("x-long", "v".repeat(255))
                                .header("x-longer", "w".repeat(4000)).send("ok"))
                        .get("/download", (req, res) -> {
                            handlersStarted.incrementAndGet();
                            try {
                                byte[] chunk = new byte[64 * 1024];
                                for (int i = 0; i < 64; i++) {
                                    res.output().write(chunk);
                                }
                            } finally {
                                handlersEnded.release();
                            }
                        })
                        .post("/hold-body", (req, res) -> {
                            holdBody.acquire();
                            res.send("not read");
                        })
                        .post("/upload", (req, res) -> {
                            handlersStarted.incrementAndGet();
                            try {
                                res.send(req.body().readAllBytes().length + " bytes");
                            } finally {
                                handlersEnded.release();
                            }
                        })
                        .get("/big", (req, res) -> {
                            byte[] chunk = new byte[64 * 1024];
                            try {
                                for (int i = 0; i < 128; i++) {
                                    res.output().write(chunk);
                                }
                            } catch (IOException e) {
                                bigWriteFailed.countDown();
                                throw e;
                            }
                        })
                        .post("/swallow", (req, res) -> {
                            try {
                                req.body().readAllBytes();
                            } catch (IOException ignored) {
                                // a careless handler: it carries on as if the body had been read
                            }
                            res.send("ok");
                        })
                        .post("/swallow-after-commit", (req, res) -> {
                            res.output().write("started".getBytes());
                            res.output().flush();
                            try {
                                req.body().readAllBytes();
                            } catch (IOException ignored) {
                                // as above, after the response has begun
                            }
                        })
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
        // Kwik's client interrupts the last thread that used a stream when the connection ends
        // and aborts it, at any moment: often this one. Such an interrupt is not the test's.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        ConnectionTerminatedEvent e;
        while (true) {
            try {
                e = c.terminated.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException fromKwik) {
                // wait on
            }
        }
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

    /**
     * A body shorter than its content-length fails; a handler that swallows the failure and
     * answers 200 anyway does not get its 200 out: the client sees 400.
     */
    @Test
    void aSwallowedBodyFailureNeverEndsInASuccess() throws Exception {
        byte[] shorter = concat(headers(":method", "POST", ":scheme", "https", ":path", "/swallow",
                "content-length", "10"), frame(DATA, new byte[4]));
        assertEquals(400, exchange(shorter).status());
    }

    /** The same after the response began: the stream is reset instead of ending as if complete. */
    @Test
    void aSwallowedBodyFailureAfterCommitResetsTheStream() throws Exception {
        byte[] shorter = concat(headers(":method", "POST", ":scheme", "https", ":path", "/swallow-after-commit",
                "content-length", "10"), frame(DATA, new byte[4]));
        try (H3RawClient c = H3RawClient.connect(port)) {
            QuicStream s = c.request(shorter, true);
            assertThrows(IOException.class, () -> H3RawClient.read(s));
        }
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

    /**
     * What browsers send beside their requests, about one frame per request (GREASE on request
     * streams, PRIORITY_UPDATE on the control stream), is ignored however long the connection
     * lives: here 30 requests, each with three unknown frames and one control frame.
     */
    @Test
    void unknownFramesInProportionToRequestsAreIgnored() throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            for (int i = 0; i < 30; i++) {
                c.control().getOutputStream().write(frame(0xF0700, new byte[] {0x00, 'u', '=', '1'}));
                c.control().getOutputStream().flush();
                byte[] request = concat(frame(0x21, new byte[4]), get("/plaintext"), frame(0x40, new byte[2]),
                        frame(0x5F, new byte[0]));
                assertEquals(200, H3RawClient.read(c.request(request, true)).status(), "request " + i);
            }
        }
    }

    /** §10.5: a flood of unknown frames on the control stream, with no request, ends the connection (H3_EXCESSIVE_LOAD). */
    @Test
    void aFloodOfUnknownControlFramesEndsTheConnection() throws Exception {
        byte[][] frames = new byte[201][];
        frames[0] = new byte[] {0x00, H3RawClient.SETTINGS, 0x00};
        for (int i = 1; i < frames.length; i++) {
            frames[i] = frame(0x21, new byte[0]);
        }
        try (H3RawClient c = H3RawClient.connectRaw(port, concat(frames))) {
            assertEquals(0x107, connectionErrorFor(c));
        }
        assertEquals(200, exchange(get("/plaintext")).status()); // and the server serves on
    }

    /**
     * This server allows no dynamic table, so the client's QPACK encoder stream has next to
     * nothing to carry; 100 KB on it is a flood and ends the connection (H3_EXCESSIVE_LOAD).
     */
    @Test
    void aFloodOnTheQpackEncoderStreamEndsTheConnection() throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            byte[] flood = new byte[100_001];
            flood[0] = 0x02; // the QPACK encoder stream's type
            java.util.Arrays.fill(flood, 1, flood.length, (byte) 0x20); // Set Dynamic Table Capacity 0, over and over
            QuicStream encoder = c.quic.createStream(false);
            // false, or an IOException inside, when the server closes the connection first
            writeRescued(encoder, () -> {
                encoder.getOutputStream().write(flood);
                encoder.getOutputStream().close();
            });
            assertEquals(0x107, connectionErrorFor(c));
        }
    }

    /** §10.5: a flood of unknown frames on one request stream ends the connection (H3_EXCESSIVE_LOAD). */
    @Test
    void aFloodOfUnknownFramesOnARequestStreamEndsTheConnection() throws Exception {
        byte[][] frames = new byte[101][];
        for (int i = 0; i < 100; i++) {
            frames[i] = frame(0x21, new byte[1]);
        }
        frames[100] = get("/plaintext");
        try (H3RawClient c = H3RawClient.connect(port)) {
            c.request(concat(frames), true);
            assertEquals(0x107, connectionErrorFor(c));
        }
    }

    /**
     * §6.2.3 lets a client open streams of reserved types, which the server stops reading at
     * once, each given back its credit: one after another they would keep the server busy for
     * as long as the connection lives. Five of them per request are more than the allowance
     * grows by, and the connection ends (H3_EXCESSIVE_LOAD). The request in each round also
     * makes Kwik send the new stream credit, which it queues without sending when a stream is
     * closed outside its receiver thread.
     */
    @Test
    void aFloodOfReservedStreamTypesEndsTheConnection() throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            try {
                for (int round = 0; round < 200 && !c.terminated.isDone(); round++) {
                    for (int i = 0; i < 5; i++) {
                        QuicStream s = c.quic.createStream(false);
                        s.getOutputStream().write(0x21);
                        s.getOutputStream().close();
                    }
                    H3RawClient.read(c.request(get("/plaintext"), true));
                }
            } catch (IOException | RuntimeException closed) {
                // the server closed the connection
            }
            assertEquals(0x107, connectionErrorFor(c));
        }
    }

    /**
     * A client that asks for 8 MiB and never reads it: the stream stalls on flow control while
     * other requests on the connection are served, and once the server's write has waited past
     * the write timeout (1 s here) the handler's write fails and the stream is reset, so the
     * response can never be taken for complete.
     */
    @Test
    void aResponseTheClientDoesNotReadIsResetAfterTheWriteTimeout() throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            QuicStream big = c.request(get("/big"), true);
            assertEquals(200, H3RawClient.read(c.request(get("/plaintext"), true)).status());
            assertTrue(bigWriteFailed.await(30, TimeUnit.SECONDS), "the stalled write never failed");
            assertThrows(IOException.class, () -> H3RawClient.read(big));
        }
    }

    /**
     * A client that gives up on a 4 MiB download or an upload at some point, by STOP_SENDING,
     * by RESET_STREAM or both: each handler that started ends (its write or read fails), and
     * the same connection serves the next request at once. (A stream reset before the server
     * read its head never reaches a handler.) The uploads stay below the connection's 4 MiB
     * receive window in all: an upload the client aborts with STOP_SENDING alone stays open
     * until the body timeout, holding what it sent.
     */
    @Test
    void resetsAtAnyPointOfALargeTransferEndTheHandlerAndTheConnectionServesOn() throws Exception {
        int[] points = {0, 1, 100_000, 1_000_000};
        try (H3RawClient c = H3RawClient.connect(port)) {
            for (int point : points) {
                for (int how = 0; how < 3; how++) {
                    QuicStream down = c.request(get("/download"), true);
                    onAThreadOfItsOwn(() -> down.getInputStream().readNBytes(point));
                    abort(down, how);
                    QuicStream up = c.request(headers(":method", "POST", ":scheme", "https", ":path", "/upload"), false);
                    int upload = Math.min(point, 200_000);
                    byte[] piece = new byte[Math.max(1, upload / 4)];
                    try {
                        onAThreadOfItsOwn(() -> {
                            for (int sent = 0; sent < upload; sent += piece.length) {
                                up.getOutputStream().write(frame(DATA, piece));
                            }
                            up.getOutputStream().flush();
                        });
                    } catch (IOException resetFirst) {
                        // Kwik's client can stall a write for longer than the body timeout (1 s
                        // here), and then the server has given up on the upload first
                    }
                    abort(up, how);
                    assertEquals(200, H3RawClient.read(c.request(get("/plaintext"), true)).status(),
                            "after a reset at " + point);
                }
            }
            int started = handlersStarted.get();
            assertTrue(started >= 9, "the downloads read from started their handlers: " + started);
            assertTrue(handlersEnded.tryAcquire(started, 30, TimeUnit.SECONDS), "a handler did not end");
        }
    }

    /**
     * Request bodies a handler does not read: the server stops reading each (STOP_SENDING
     * after the response) and must give the connection back the receive window that the unread
     * bytes took, or after 4 MiB of them the client cannot send more on the connection: before
     * the fix, the 17th body of 250 KB stalled. Each round, the handler waits until the client
     * has sent its body and a request after it has been answered, so that the body has arrived.
     */
    @Test
    void unreadBodiesDoNotUseUpTheConnectionWindow() throws Exception {
        try (H3RawClient c = H3RawClient.connect(port)) {
            for (int i = 0; i < 24; i++) {
                QuicStream held = c.request(headers(":method", "POST", ":scheme", "https", ":path", "/hold-body"), false);
                byte[] slice = frame(DATA, new byte[10_000]);
                boolean sent = writeRescued(held, () -> {
                    for (int n = 0; n < 25; n++) {
                        held.getOutputStream().write(slice);
                    }
                    held.getOutputStream().close();
                });
                assertTrue(sent, "body " + i + " could not be sent: the connection's window is used up");
                QuicStream next = c.request(get("/plaintext"), true);
                int status = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return H3RawClient.read(next).status();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).get(10, TimeUnit.SECONDS);
                assertEquals(200, status, "request " + i);
                holdBody.release();
                assertEquals(200, H3RawClient.read(held).status(), "request " + i);
            }
        }
    }

    interface StreamAction {
        void run() throws IOException;
    }

    /**
     * Runs {@code writes} to {@code s} on a thread of its own, for at most 10 s; true if they
     * all went through. Kwik's client can lose the request to send what it buffered (the race
     * KwikSendRescue works around on the server), which leaves a writer blocked for good: the
     * request is queued again while waiting.
     */
    private static boolean writeRescued(QuicStream s, StreamAction writes) throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                writes.run();
                done.set(true);
            } catch (IOException e) {
                // not done
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (writer.isAlive() && System.nanoTime() < deadline) {
            io.shockwave.transport.quic.KwikSendRescue.rescue(s.getOutputStream());
            writer.join(java.time.Duration.ofMillis(50));
        }
        return done.get();
    }

    /**
     * Runs a read or a write of a stream on a thread that then ends: Kwik's client interrupts
     * the last thread that read or wrote a stream when the stream is aborted or reset, whenever
     * that happens, and the test's own thread must not be the one.
     */
    private static void onAThreadOfItsOwn(StreamAction action) throws Exception {
        java.util.concurrent.atomic.AtomicReference<IOException> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                action.run();
            } catch (IOException e) {
                failed.set(e);
            }
        });
        t.join();
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    /** 0: STOP_SENDING, 1: RESET_STREAM, 2: both; H3_REQUEST_CANCELLED (0x10C). */
    private static void abort(QuicStream s, int how) {
        if (how != 1) {
            s.abortReading(0x10C);
        }
        if (how != 0) {
            s.resetStream(0x10C);
        }
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
