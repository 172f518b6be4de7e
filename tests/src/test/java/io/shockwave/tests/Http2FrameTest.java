package io.shockwave.tests;

import io.shockwave.runtime.Server;
import io.shockwave.runtime.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.shockwave.tests.FrameClient.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9113 at the frame level: one test per requirement, each sending the frames the
 * clause is about and checking the error type and code (§5.4) the server answers with.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2FrameTest {
    private static Server server;
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static final java.util.concurrent.atomic.AtomicReference<OutputStream> LEAKED =
            new java.util.concurrent.atomic.AtomicReference<>();

    @BeforeAll
    static void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r
                        .get("/hello", (req, res) -> res.send("hello " + req.protocol()))
                        .get("/host", (req, res) -> res.send(String.valueOf(req.header("Host"))))
                        .get("/leak", (req, res) -> {
                            LEAKED.set(res.output()); // kept past the handler's return: a bug in a handler
                            res.send("leaked");
                        })
                        .get("/use-leak", (req, res) -> {
                            try {
                                LEAKED.get().write("LEAK".getBytes(StandardCharsets.US_ASCII));
                                res.send("written");
                            } catch (IOException e) {
                                res.send("refused");
                            }
                        })
                        .get("/cookie", (req, res) -> res.send(req.headers().getAll("Cookie").toString()))
                        .post("/echo", (req, res) -> {
                            byte[] body = req.bodyBytes();
                            res.header("x-trailer-count", Integer.toString(req.trailers().size()));
                            res.send(body);
                        })
                        .post("/count", (req, res) -> {
                            long n = 0;
                            try (InputStream in = req.body()) {
                                while (in.read() >= 0) {
                                    n++;
                                }
                            }
                            res.send(Long.toString(n));
                        })
                        .get("/bytes/{n}", (req, res) -> {
                            int n = Integer.parseInt(req.pathParam("n"));
                            res.contentLength(n);
                            OutputStream out = res.output();
                            byte[] chunk = new byte[8192];
                            for (int done = 0; done < n; done += chunk.length) {
                                out.write(chunk, 0, Math.min(chunk.length, n - done));
                            }
                        })
                        .get("/trailers", (req, res) -> {
                            res.trailers().set("x-checksum", "42");
                            res.output().write("body".getBytes(StandardCharsets.US_ASCII));
                        })
                        .get("/throw", (req, res) -> {
                            throw new IllegalStateException("handler failure (expected by the test)");
                        })
                        .get("/throw-after-commit", (req, res) -> {
                            OutputStream out = res.output();
                            out.write("partial".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            throw new IllegalStateException("handler failure after commit (expected by the test)");
                        })
                        .post("/sink", (req, res) -> {
                            try {
                                RELEASE.await(20, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            res.send("released");
                        })
                        .get("/wait", (req, res) -> {
                            try {
                                RELEASE.await(20, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            res.send("released");
                        }))
                .start();
    }

    @AfterAll
    static void stop() {
        RELEASE.countDown();
        server.stop(Duration.ofSeconds(2));
    }

    private static FrameClient connect(int... settings) throws IOException {
        return FrameClient.connect(server.port(), settings);
    }

    // ---- §3.4 connection preface, §6.5 SETTINGS ------------------------------------------

    @Test
    void answersAGetOnStreamOne() throws IOException {
        try (FrameClient c = connect()) {
            c.get(1, "/hello");
            Response r = c.response(1);
            assertEquals("200", r.status());
            assertEquals("hello HTTP/2", r.text());
            assertTrue(r.headers().contains("content-length: 12"), r.headers().toString());
        }
    }

    /** §3.4: the server's preface is a SETTINGS frame, sent first. */
    @Test
    void serverPrefaceIsSettings() throws IOException {
        try (FrameClient c = FrameClient.raw(server.port())) {
            c.write(PREFACE);
            c.settings();
            Frame first = c.read();
            assertEquals(SETTINGS, first.type());
            assertFalse(first.has(ACK));
            assertEquals(0, first.payload().length % 6);
        }
    }

    /** §3.4: an invalid preface is a connection error; the server may just close. */
    @Test
    void closesOnInvalidPreface() throws IOException {
        try (FrameClient c = FrameClient.raw(server.port())) {
            c.write("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            c.assertClosed();
        }
    }

    /** §6.5: a SETTINGS frame is acknowledged. */
    @Test
    void acknowledgesSettings() throws IOException {
        try (FrameClient c = connect()) {
            c.settings(0x3, 100);
            Frame ack = c.expect(SETTINGS);
            assertTrue(ack.has(ACK));
            assertEquals(0, ack.payload().length);
        }
    }

    /** §6.5: a length that is not a multiple of 6 is FRAME_SIZE_ERROR. */
    @Test
    void settingsOfWrongLengthIsFrameSizeError() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(SETTINGS, 0, 0, new byte[5]);
            c.expectGoAway(FRAME_SIZE_ERROR);
        }
    }

    /** §6.5: an ACK with a payload is FRAME_SIZE_ERROR. */
    @Test
    void settingsAckWithPayloadIsFrameSizeError() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(SETTINGS, ACK, 0, new byte[6]);
            c.expectGoAway(FRAME_SIZE_ERROR);
        }
    }

    /** §6.5: SETTINGS on a stream is PROTOCOL_ERROR. */
    @Test
    void settingsOnAStreamIsProtocolError() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(SETTINGS, 0, 1, new byte[0]);
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    /** §6.5.2: ENABLE_PUSH other than 0 or 1 is PROTOCOL_ERROR. */
    @Test
    void enablePushOfTwoIsProtocolError() throws IOException {
        try (FrameClient c = connect()) {
            c.settings(0x2, 2);
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    /** §6.5.2: INITIAL_WINDOW_SIZE above 2^31-1 is FLOW_CONTROL_ERROR. */
    @Test
    void initialWindowAboveMaximumIsFlowControlError() throws IOException {
        try (FrameClient c = connect()) {
            c.settings(0x4, 0x8000_0000);
            c.expectGoAway(FLOW_CONTROL_ERROR);
        }
    }

    /** §6.5.2: MAX_FRAME_SIZE outside 2^14 .. 2^24-1 is PROTOCOL_ERROR. */
    @Test
    void maxFrameSizeOutOfRangeIsProtocolError() throws IOException {
        try (FrameClient c = connect()) {
            c.settings(0x5, 16_383);
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    /** §6.5.2: unknown settings are ignored. */
    @Test
    void ignoresUnknownSettings() throws IOException {
        try (FrameClient c = connect()) {
            c.settings(0xff, 7);
            assertTrue(c.expect(SETTINGS).has(ACK));
            c.get(1, "/hello");
            assertEquals("200", c.response(1).status());
        }
    }

    // ---- §4 frames --------------------------------------------------------------------

    /** §4.2: a frame larger than SETTINGS_MAX_FRAME_SIZE is FRAME_SIZE_ERROR. */
    @Test
    void frameOverMaxSizeIsFrameSizeError() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, false, c.request("POST", "/echo"));
            c.data(1, true, new byte[16_385]);
            c.expectGoAway(FRAME_SIZE_ERROR);
        }
    }

    /** §4.1: frames of unknown types are ignored. */
    @Test
    void ignoresUnknownFrameTypes() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(0x42, 0, 0, new byte[8]);
            c.frame(0x42, 0, 1, new byte[3]);
            c.get(1, "/hello");
            assertEquals("200", c.response(1).status());
        }
    }

    // ---- §5.1 stream states, §5.1.1 identifiers ----------------------------------------

    /** §5.1.1: a client stream id must be odd. */
    @Test
    void evenStreamIdIsProtocolError() throws IOException {
        try (FrameClient c = connect()) {
            c.get(2, "/hello");
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    /** §5.1.1: stream ids increase; reusing a lower one is an error. */
    @Test
    void decreasingStreamIdIsAnError() throws IOException {
        try (FrameClient c = connect()) {
            c.get(5, "/hello");
            assertEquals("200", c.response(5).status());
            c.get(3, "/hello");
            Frame f = c.expect(GOAWAY);
            assertTrue(f.errorCode() == PROTOCOL_ERROR || f.errorCode() == STREAM_CLOSED, "code " + f.errorCode());
        }
    }

    /** §5.1 idle: DATA on an idle stream is a connection error PROTOCOL_ERROR. */
    @Test
    void dataOnIdleStreamIsProtocolError() throws IOException {
        try (FrameClient c = connect()) {
            c.data(1, true, new byte[1]);
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    /** §6.1: DATA on stream 0 is PROTOCOL_ERROR. */
    @Test
    void dataOnStreamZeroIsProtocolError() throws IOException {
        try (FrameClient c = connect()) {
            c.data(0, true, new byte[1]);
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    /** §5.1 half-closed (remote): DATA after END_STREAM is a stream error STREAM_CLOSED. */
    @Test
    void dataAfterEndStreamIsStreamClosed() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, true, c.request("GET", "/wait"));
            c.data(1, false, new byte[1]);
            c.expectReset(1, STREAM_CLOSED);
        }
    }

    /** §6.4: RST_STREAM on an idle stream is PROTOCOL_ERROR. */
    @Test
    void resetOfIdleStreamIsProtocolError() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(RST_STREAM, 0, 1, intPayload(CANCEL));
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    /** §6.4: RST_STREAM of a length other than 4 is FRAME_SIZE_ERROR. */
    @Test
    void resetOfWrongLengthIsFrameSizeError() throws IOException {
        try (FrameClient c = connect()) {
            c.get(1, "/hello");
            c.response(1);
            c.frame(RST_STREAM, 0, 1, new byte[3]);
            c.expectGoAway(FRAME_SIZE_ERROR);
        }
    }

    // ---- §6.2 HEADERS, §6.10 CONTINUATION ----------------------------------------------

    /** §6.10: a header block may continue over CONTINUATION frames. */
    @Test
    void acceptsHeaderBlockInContinuations() throws IOException {
        try (FrameClient c = connect()) {
            byte[] block = c.block(c.request("GET", "/hello", "x-a", "1", "x-b", "2"));
            int half = block.length / 2;
            c.frame(HEADERS, END_STREAM, 1, java.util.Arrays.copyOfRange(block, 0, half));
            c.frame(CONTINUATION, 0, 1, new byte[0]);
            c.frame(CONTINUATION, END_HEADERS, 1, java.util.Arrays.copyOfRange(block, half, block.length));
            assertEquals("200", c.response(1).status());
        }
    }

    /** §6.10: any other frame inside a header block is PROTOCOL_ERROR. */
    @Test
    void frameInsideHeaderBlockIsProtocolError() throws IOException {
        try (FrameClient c = connect()) {
            byte[] block = c.block(c.request("GET", "/hello"));
            c.frame(HEADERS, END_STREAM, 1, block);
            c.frame(PING, 0, 0, new byte[8]);
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    /** §6.10: CONTINUATION without a header block before it is PROTOCOL_ERROR. */
    @Test
    void continuationWithoutHeadersIsProtocolError() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(CONTINUATION, END_HEADERS, 1, c.block(c.request("GET", "/hello")));
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    /** §6.2: padding is stripped; padding as long as the payload is PROTOCOL_ERROR. */
    @Test
    void paddedHeadersAreAcceptedAndOverlongPaddingRejected() throws IOException {
        try (FrameClient c = connect()) {
            byte[] block = c.block(c.request("GET", "/hello"));
            byte[] padded = new byte[1 + block.length + 10];
            padded[0] = 10;
            System.arraycopy(block, 0, padded, 1, block.length);
            c.frame(HEADERS, END_HEADERS | END_STREAM | PADDED, 1, padded);
            assertEquals("200", c.response(1).status());
            c.frame(HEADERS, END_HEADERS | END_STREAM | PADDED, 3, new byte[] {5, 0, 0});
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    /** §5.3.1: a stream that depends on itself is a stream error PROTOCOL_ERROR. */
    @Test
    void selfDependencyIsStreamError() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(PRIORITY, 0, 3, new byte[] {0, 0, 0, 3, 16});
            c.expectReset(3, PROTOCOL_ERROR);
            c.get(5, "/hello");
            assertEquals("200", c.response(5).status());
        }
    }

    /** §6.3: PRIORITY frames are parsed and otherwise ignored. */
    @Test
    void ignoresPriorityFrames() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(PRIORITY, 0, 1, new byte[] {0, 0, 0, 0, 16});
            c.get(1, "/hello");
            assertEquals("200", c.response(1).status());
        }
    }

    // ---- §8 messages -------------------------------------------------------------------

    private static void assertMalformed(String... extraOrFields) throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, true, extraOrFields);
            c.expectReset(1, PROTOCOL_ERROR);
            c.get(3, "/hello"); // §8.1.1: a stream error; the connection serves on
            assertEquals("200", c.response(3).status());
        }
    }

    /** §8.2.1: upper-case field names are malformed. */
    @Test
    void upperCaseFieldNameIsMalformed() throws IOException {
        assertMalformed(":method", "GET", ":scheme", "http", ":path", "/hello", "X-Upper", "1");
    }

    /** §8.2.2: connection-specific fields are malformed. */
    @Test
    void connectionSpecificFieldsAreMalformed() throws IOException {
        assertMalformed(":method", "GET", ":scheme", "http", ":path", "/hello", "connection", "keep-alive");
        assertMalformed(":method", "GET", ":scheme", "http", ":path", "/hello", "transfer-encoding", "chunked");
        assertMalformed(":method", "GET", ":scheme", "http", ":path", "/hello", "upgrade", "h2c");
        assertMalformed(":method", "GET", ":scheme", "http", ":path", "/hello", "keep-alive", "5");
    }

    /** §8.2.2: TE may only be "trailers". */
    @Test
    void teOtherThanTrailersIsMalformed() throws IOException {
        assertMalformed(":method", "GET", ":scheme", "http", ":path", "/hello", "te", "gzip");
        try (FrameClient c = connect()) {
            c.get(1, "/hello", "te", "trailers");
            assertEquals("200", c.response(1).status());
        }
    }

    /** §8.3: pseudo-headers come first, once each, only the defined ones, and the required ones are there. */
    @Test
    void pseudoHeaderRulesAreEnforced() throws IOException {
        assertMalformed(":method", "GET", ":scheme", "http", "x-a", "1", ":path", "/hello");
        assertMalformed(":method", "GET", ":scheme", "http", ":path", "/hello", ":path", "/hello");
        assertMalformed(":method", "GET", ":scheme", "http", ":path", "/hello", ":unknown", "x");
        assertMalformed(":method", "GET", ":scheme", "http", ":path", "/hello", ":status", "200");
        assertMalformed(":method", "GET", ":scheme", "http");
        assertMalformed(":method", "GET", ":path", "/hello");
        assertMalformed(":scheme", "http", ":path", "/hello");
        assertMalformed(":method", "GET", ":scheme", "http", ":path", "");
    }

    /** §8.2.1: a value with a line break or surrounding whitespace is malformed. */
    @Test
    void invalidFieldValuesAreMalformed() throws IOException {
        assertMalformed(":method", "GET", ":scheme", "http", ":path", "/hello", "x-a", "a\nb");
        assertMalformed(":method", "GET", ":scheme", "http", ":path", "/hello", "x-a", " padded");
    }

    /** §8.1.1: DATA adding up to other than content-length is malformed; the handler's read fails. */
    @Test
    void bodyLongerThanContentLengthIsMalformed() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, false, c.request("POST", "/echo", "content-length", "3"));
            c.data(1, true, new byte[5]);
            Response r = c.response(1);
            assertEquals(PROTOCOL_ERROR, r.resetCode(), "reset, not answered: " + r);
        }
    }

    @Test
    void bodyShorterThanContentLengthIsMalformed() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, false, c.request("POST", "/echo", "content-length", "10"));
            c.data(1, true, new byte[5]);
            Response r = c.response(1);
            assertTrue(r.resetCode() == PROTOCOL_ERROR, "reset, not answered: " + r);
        }
    }

    /** §8.3.1: :authority becomes Host for the handler; a Host that disagrees with it is malformed. */
    @Test
    void authorityBecomesHost() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, true, ":method", "GET", ":scheme", "http", ":authority", "example.test", ":path", "/host");
            assertEquals("example.test", c.response(1).text());
            c.headers(3, true, ":method", "GET", ":scheme", "http", ":authority", "example.test", ":path", "/host",
                    "host", "other.test");
            c.expectReset(3, PROTOCOL_ERROR);
        }
    }

    /**
     * A stream object serves one stream after another: an output a handler kept past its
     * return fails, rather than writing into the next stream's response.
     */
    @Test
    void outputKeptPastTheHandlerCannotWriteIntoTheNextStream() throws IOException {
        try (FrameClient c = connect()) {
            c.get(1, "/leak");
            assertEquals("leaked", c.response(1).text());
            c.get(3, "/use-leak");
            assertEquals("refused", c.response(3).text());
        }
    }

    /** §8.2.3: cookie crumbs sent as separate fields reach the handler as one field, joined with "; ". */
    @Test
    void joinsCookieCrumbs() throws IOException {
        try (FrameClient c = connect()) {
            c.get(1, "/cookie", "cookie", "a=1", "cookie", "b=2", "cookie", "c=3");
            assertEquals("[a=1; b=2; c=3]", c.response(1).text());
        }
    }

    /** §8.1: a request body in DATA frames, with trailers in a last HEADERS frame. */
    @Test
    void readsBodyAndTrailers() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, false, c.request("POST", "/echo"));
            c.data(1, false, "abc".getBytes(StandardCharsets.US_ASCII));
            c.data(1, false, "def".getBytes(StandardCharsets.US_ASCII));
            c.headers(1, true, "x-sum", "9");
            Response r = c.response(1);
            assertEquals("200", r.status());
            assertEquals("abcdef", r.text());
            assertTrue(r.headers().contains("x-trailer-count: 1"), r.headers().toString());
        }
    }

    /** §8.1: trailers without END_STREAM are malformed. */
    @Test
    void trailersWithoutEndStreamAreMalformed() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, false, c.request("POST", "/echo"));
            c.headers(1, false, "x-sum", "9");
            Response r = c.response(1);
            assertEquals(PROTOCOL_ERROR, r.resetCode());
        }
    }

    /** Response trailers follow the body in a HEADERS frame with END_STREAM. */
    @Test
    void sendsResponseTrailers() throws IOException {
        try (FrameClient c = connect()) {
            c.get(1, "/trailers");
            Response r = c.response(1);
            assertEquals("body", r.text());
            assertEquals(java.util.List.of("x-checksum: 42"), r.trailers());
        }
    }

    /** RFC 9110 §9.3.2: HEAD gets the GET's headers and no content. */
    @Test
    void headHasNoBody() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, true, c.request("HEAD", "/hello"));
            Response r = c.response(1);
            assertEquals("200", r.status());
            assertEquals(0, r.body().length);
            assertTrue(r.headers().contains("content-length: 12"), r.headers().toString());
        }
    }

    /** RFC 9110 §10.1.1: expect: 100-continue gets a 100 before the final response. */
    @Test
    void sendsContinueBeforeReadingTheBody() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, false, c.request("POST", "/echo", "expect", "100-continue"));
            Frame interim = c.expect(HEADERS);
            assertFalse(interim.has(END_STREAM));
            c.data(1, true, "go".getBytes(StandardCharsets.US_ASCII));
            Response r = c.response(1);
            assertEquals("200", r.status());
            assertEquals("go", r.text());
        }
    }

    // ---- failures never look like successes --------------------------------------------

    @Test
    void handlerExceptionBecomes500() throws IOException {
        try (FrameClient c = connect()) {
            c.get(1, "/throw");
            assertEquals("500", c.response(1).status());
        }
    }

    @Test
    void handlerExceptionAfterCommitResetsTheStream() throws IOException {
        try (FrameClient c = connect()) {
            c.get(1, "/throw-after-commit");
            Response r = c.response(1);
            assertEquals(INTERNAL_ERROR, r.resetCode(), r.toString());
        }
    }

    @Test
    void clientResetFailsTheHandlersRead() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, false, c.request("POST", "/count"));
            c.data(1, false, new byte[100]);
            c.frame(RST_STREAM, 0, 1, intPayload(CANCEL));
            c.get(3, "/hello");
            assertEquals("200", c.response(3).status());
        }
    }

    /**
     * A handler that swallows its body's failure and answers 200 anyway does not make the
     * exchange a success: while nothing has left, the error handler's 413 replaces the 200;
     * once the response has started (a flush), the stream is reset, never ended as complete.
     */
    @Test
    void handlerSwallowingTheBodyFailureNeverGetsASuccess() throws IOException {
        Server small = Server.builder().http("127.0.0.1", 0)
                .limits(io.shockwave.runtime.Limits.DEFAULT.withMaxBodySize(10))
                .routes(r -> r
                        .post("/swallow", (req, res) -> {
                            try {
                                req.bodyBytes();
                            } catch (IOException e) {
                                // swallowed: a handler bug the server must not turn into a success
                            }
                            res.send("ok");
                        })
                        .post("/swallow-after-flush", (req, res) -> {
                            OutputStream out = res.output();
                            out.write("partial".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            try {
                                req.bodyBytes();
                            } catch (IOException e) {
                                // swallowed, after the response has started
                            }
                            out.write(" ok".getBytes(StandardCharsets.US_ASCII));
                        }))
                .start();
        try (FrameClient c = FrameClient.connect(small.port())) {
            c.headers(1, false, c.request("POST", "/swallow"));
            c.data(1, true, new byte[100]);
            Response r = c.response(1);
            assertEquals("413", r.status(), r.toString());

            c.headers(3, false, c.request("POST", "/swallow-after-flush"));
            c.data(3, true, new byte[100]);
            Response started = c.response(3);
            assertTrue(started.resetCode() >= 0, "reset, not ended as a success: " + started);
        } finally {
            small.stop(Duration.ofSeconds(1));
        }
    }

    // ---- §6.7 PING, §6.8 GOAWAY --------------------------------------------------------

    @Test
    void answersPingWithTheSamePayload() throws IOException {
        try (FrameClient c = connect()) {
            byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8};
            c.frame(PING, 0, 0, payload);
            Frame ack = c.expect(PING);
            assertTrue(ack.has(ACK));
            assertArrayEquals(payload, ack.payload());
        }
    }

    @Test
    void pingOfWrongLengthIsFrameSizeError() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(PING, 0, 0, new byte[7]);
            c.expectGoAway(FRAME_SIZE_ERROR);
        }
    }

    @Test
    void pingOnAStreamIsProtocolError() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(PING, 0, 1, new byte[8]);
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    @Test
    void pushPromiseFromClientIsProtocolError() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(PUSH_PROMISE, END_HEADERS, 1, new byte[4]);
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    /** §6.8: after the client's GOAWAY, streams in progress still complete. */
    @Test
    void finishesOpenStreamsAfterClientGoAway() throws IOException {
        try (FrameClient c = connect()) {
            c.get(1, "/bytes/100000");
            byte[] goAway = new byte[8];
            c.frame(GOAWAY, 0, 0, goAway);
            Response r = c.response(1);
            assertEquals("200", r.status());
            assertEquals(100_000, r.body().length);
        }
    }

    // ---- §6.9 flow control -------------------------------------------------------------

    @Test
    void windowUpdateOfZeroIsAnError() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, true, c.request("GET", "/wait"));
            c.frame(WINDOW_UPDATE, 0, 1, intPayload(0));
            c.expectReset(1, PROTOCOL_ERROR);
        }
        try (FrameClient c = connect()) {
            c.frame(WINDOW_UPDATE, 0, 0, intPayload(0));
            c.expectGoAway(PROTOCOL_ERROR);
        }
    }

    @Test
    void connectionWindowOverflowIsFlowControlError() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(WINDOW_UPDATE, 0, 0, intPayload(0x7FFF_FFFF));
            c.expectGoAway(FLOW_CONTROL_ERROR);
        }
    }

    @Test
    void streamWindowOverflowIsStreamError() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, true, c.request("GET", "/wait"));
            c.frame(WINDOW_UPDATE, 0, 1, intPayload(0x7FFF_FFFF));
            c.expectReset(1, FLOW_CONTROL_ERROR);
        }
    }

    /** §6.9.2: with an initial window of 0 no DATA flows until the client gives credit. */
    @Test
    void waitsForCreditBeforeSendingData() throws IOException {
        try (FrameClient c = connect(0x4, 0)) {
            c.get(1, "/hello");
            Frame headers = c.expect(HEADERS);
            assertFalse(headers.has(END_STREAM));
            c.frame(PING, 0, 0, new byte[8]); // a round trip: had DATA been sent, it would come first
            Frame next = c.read();
            assertEquals(PING, next.type(), "no DATA before credit: " + next);
            c.frame(WINDOW_UPDATE, 0, 1, intPayload(100));
            Frame data = c.expect(DATA);
            assertEquals("hello HTTP/2", new String(data.payload(), StandardCharsets.US_ASCII));
        }
    }

    /** §6.9.1: DATA beyond the stream window the server gave is a FLOW_CONTROL_ERROR. */
    @Test
    void dataBeyondTheStreamWindowIsFlowControlError() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, false, c.request("POST", "/sink"));
            byte[] chunk = new byte[16_384];
            for (int i = 0; i < 4; i++) {
                c.data(1, false, chunk);
            }
            c.data(1, false, new byte[16_384]); // 81,920 > 65,535 while the handler reads nothing
            Response r = c.response(1);
            assertEquals(FLOW_CONTROL_ERROR, r.resetCode(), r.toString());
        }
    }

    /** A large download flows as the client returns credit. */
    @Test
    void streamsALargeBodyUnderFlowControl() throws IOException {
        try (FrameClient c = connect()) {
            c.get(1, "/bytes/1000000");
            Response r = c.response(1);
            assertEquals("200", r.status());
            assertEquals(1_000_000, r.body().length);
        }
    }

    // ---- §9 limits and floods ----------------------------------------------------------

    /** §5.1.2: streams beyond SETTINGS_MAX_CONCURRENT_STREAMS are refused. */
    @Test
    void refusesStreamsBeyondTheLimit() throws IOException {
        try (FrameClient c = connect()) {
            for (int i = 0; i < 128; i++) {
                c.get(1 + 2 * i, "/wait");
            }
            c.get(257, "/hello");
            c.expectReset(257, REFUSED_STREAM);
        }
    }

    /** CVE-2019-9512: a PING flood is ended with ENHANCE_YOUR_CALM. */
    @Test
    void pingFloodIsCalmed() throws IOException {
        try (FrameClient c = connect()) {
            byte[] ping = new byte[17];
            ping[2] = 8;
            ping[3] = (byte) PING;
            c.write(FrameClient.repeat(ping, 2000));
            c.expectGoAway(ENHANCE_YOUR_CALM);
        }
    }

    /** A SETTINGS flood (each one costs the server an ACK) is ended with ENHANCE_YOUR_CALM. */
    @Test
    void settingsFloodIsCalmed() throws IOException {
        try (FrameClient c = connect()) {
            byte[] settings = new byte[9];
            settings[3] = (byte) SETTINGS;
            c.write(FrameClient.repeat(settings, 2000));
            c.expectGoAway(ENHANCE_YOUR_CALM);
        }
    }

    /** Empty DATA frames without END_STREAM do nothing but cost work: bounded. */
    @Test
    void emptyDataFloodIsCalmed() throws IOException {
        try (FrameClient c = connect()) {
            c.headers(1, false, c.request("POST", "/sink"));
            byte[] empty = new byte[9];
            empty[8] = 1; // stream 1, type DATA, no flags, no payload
            c.write(FrameClient.repeat(empty, 2000));
            c.expectGoAway(ENHANCE_YOUR_CALM);
        }
    }

    /**
     * CVE-2025-8671 (MadeYouReset): requests the server must reset because they are
     * malformed count towards the same bound as the client's own resets.
     */
    @Test
    void serverResetsForClientErrorsAreCalmed() throws IOException {
        try (FrameClient c = connect()) {
            for (int i = 0; i < 400; i++) {
                c.headers(1 + 2 * i, true, ":method", "GET", ":scheme", "http", ":path", "/hello", "X-Upper", "1");
            }
            c.expectGoAway(ENHANCE_YOUR_CALM);
        }
    }

    /** RFC 9113 §3.4: a client that sends no preface within the head timeout is closed. */
    @Test
    void connectionWithoutPrefaceIsClosed() throws IOException {
        Server quick = Server.builder().http("127.0.0.1", 0)
                .timeouts(io.shockwave.runtime.Timeouts.DEFAULT.withRequestHead(Duration.ofMillis(300)))
                .routes(r -> r.get("/", (req, res) -> res.send("x"))).start();
        try (FrameClient c = FrameClient.raw(quick.port())) {
            c.write("PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII)); // the start of it, and no more
            c.assertClosed();
        } finally {
            quick.stop(Duration.ofSeconds(1));
        }
    }

    /**
     * RFC 7541 §7.3: an HPACK bomb, one large entry in the table referenced a thousand times in
     * one block, decodes to far more than the limit: 431, and the connection serves on.
     */
    @Test
    void hpackBombGets431() throws IOException {
        try (FrameClient c = connect()) {
            byte[] pseudo = c.block(c.request("GET", "/hello"));
            java.io.ByteArrayOutputStream first = new java.io.ByteArrayOutputStream();
            first.writeBytes(pseudo);
            first.write(0x40); // literal with incremental indexing, new name (§6.2.1)
            first.write(5);
            first.writeBytes("x-big".getBytes(StandardCharsets.US_ASCII));
            first.writeBytes(new byte[] {0x7F, (byte) 0xA1, 0x1E}); // 4,000 (§5.1), not Huffman-coded
            first.writeBytes("v".repeat(4000).getBytes(StandardCharsets.US_ASCII));
            c.frame(HEADERS, END_HEADERS | END_STREAM, 1, first.toByteArray());
            assertEquals("200", c.response(1).status());

            java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
            bomb.writeBytes(c.block(c.request("GET", "/hello")));
            for (int i = 0; i < 1000; i++) {
                bomb.write(0x80 | 62); // the newest dynamic entry: 4 KB each time
            }
            c.frame(HEADERS, END_HEADERS | END_STREAM, 3, bomb.toByteArray());
            assertEquals("431", c.response(3).status());
            c.get(5, "/hello");
            assertEquals("200", c.response(5).status());
        }
    }

    /** PRIORITY frames are parsed and ignored, but not without bound. */
    @Test
    void priorityFloodIsCalmed() throws IOException {
        try (FrameClient c = connect()) {
            byte[] frame = {0, 0, 5, (byte) PRIORITY, 0, 0, 0, 0, 3, 0, 0, 0, 0, 16};
            c.write(FrameClient.repeat(frame, 2000));
            c.expectGoAway(ENHANCE_YOUR_CALM);
        }
    }

    /** §6.9: WINDOW_UPDATE on a closed stream is ignored, within the same bound. */
    @Test
    void windowUpdateFloodOnAClosedStreamIsCalmed() throws IOException {
        try (FrameClient c = connect()) {
            c.get(1, "/hello");
            assertEquals("200", c.response(1).status());
            byte[] frame = {0, 0, 4, (byte) WINDOW_UPDATE, 0, 0, 0, 0, 1, 0, 0, 0, 1};
            c.write(FrameClient.repeat(frame, 2000));
            c.expectGoAway(ENHANCE_YOUR_CALM);
        }
    }

    /** A stream whose client gives no credit for the write timeout is reset; the connection serves on. */
    @Test
    void streamWithoutCreditIsResetAfterTheWriteTimeout() throws IOException {
        Server quick = Server.builder().http("127.0.0.1", 0)
                .timeouts(io.shockwave.runtime.Timeouts.DEFAULT.withWrite(Duration.ofMillis(500)))
                .routes(r -> r.get("/bytes/{n}", (req, res) -> {
                    res.output().write(new byte[Integer.parseInt(req.pathParam("n"))]);
                })).start();
        try (FrameClient c = FrameClient.connect(quick.port(), 0x4, 0)) {
            c.get(1, "/bytes/100000");
            c.expectReset(1, CANCEL);
            c.frame(PING, 0, 0, new byte[8]);
            assertTrue(c.expect(PING).has(ACK), "the connection serves on");
        } finally {
            quick.stop(Duration.ofSeconds(1));
        }
    }

    /** CVE-2023-44487: streams opened and reset at once are ended with ENHANCE_YOUR_CALM. */
    @Test
    void rapidResetIsCalmed() throws IOException {
        try (FrameClient c = connect()) {
            for (int i = 0; i < 400; i++) {
                int stream = 1 + 2 * i;
                c.get(stream, "/hello");
                c.frame(RST_STREAM, 0, stream, intPayload(CANCEL));
            }
            c.expectGoAway(ENHANCE_YOUR_CALM);
        }
    }

    /** CVE-2024-27316: a header block that never ends is cut off. */
    @Test
    void continuationFloodIsCalmed() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(HEADERS, 0, 1, c.block(c.request("GET", "/hello")));
            byte[] filler = c.block("x-filler", "a".repeat(1000));
            try {
                for (int i = 0; i < 200; i++) {
                    c.frame(CONTINUATION, 0, 1, filler);
                }
            } catch (IOException e) {
                // the server may close while the flood is still being written
            }
            c.expectGoAway(ENHANCE_YOUR_CALM);
        }
    }

    /** RFC 9113 §10.5.1: a header list larger than the limit is answered 431, and the connection serves on. */
    @Test
    void oversizedHeaderListGets431() throws IOException {
        try (FrameClient c = connect()) {
            String big = "b".repeat(8000);
            c.headers(1, true, c.request("GET", "/hello", "x-a", big, "x-b", big, "x-c", big));
            assertEquals(Integer.toString(Status.REQUEST_HEADER_FIELDS_TOO_LARGE.code()), c.response(1).status());
            c.get(3, "/hello");
            assertEquals("200", c.response(3).status());
        }
    }

    /** RFC 7541 §2.3.3: an index past the tables is a COMPRESSION_ERROR. */
    @Test
    void invalidHpackIndexIsCompressionError() throws IOException {
        try (FrameClient c = connect()) {
            c.frame(HEADERS, END_HEADERS | END_STREAM, 1, new byte[] {(byte) 0xFF, 0x7F});
            c.expectGoAway(COMPRESSION_ERROR);
        }
    }
}
