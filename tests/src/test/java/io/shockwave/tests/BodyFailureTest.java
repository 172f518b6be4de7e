package io.shockwave.tests;

import io.shockwave.runtime.Limits;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.Response;
import io.shockwave.runtime.Server;
import io.shockwave.runtime.Timeouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Scanner;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request whose body fails never gets a response that looks like a success (RFC 9112
 * §6, §7.1; RFC 9110 §15), whatever the handler does with the failure: each body error is
 * tried against a handler that streams with try-with-resources, one that reads through a
 * {@link Scanner} (which swallows IOExceptions) and one that buffers, and the test asserts
 * the exact bytes the client receives (the Date value aside).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BodyFailureTest {
    private static final int BODY_LIMIT = 64 * 1024;
    private static final String CHUNKED_HEAD = "Host: x\r\nTransfer-Encoding: chunked\r\n\r\n";

    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .limits(Limits.DEFAULT.withMaxBodySize(BODY_LIMIT))
                .timeouts(Timeouts.DEFAULT.withBodyRead(Duration.ofMillis(400)))
                .routes(r -> r
                        .post("/stream", BodyFailureTest::streams)
                        .post("/scanner", BodyFailureTest::scans)
                        .post("/buffer", (req, res) -> res.send(req.bodyBytes()))
                        .get("/throw-after-flush", (req, res) -> {
                            OutputStream out = res.output();
                            out.write(ascii("part"));
                            out.flush();
                            throw new IllegalStateException("handler bug after the response started");
                        })
                        .get("/throw-after-write", (req, res) -> {
                            res.output().write(ascii("part"));
                            throw new IllegalStateException("handler bug before anything was sent");
                        })
                        .get("/hello", (req, res) -> res.send("hello")))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    private static void streams(Request req, Response res) throws IOException {
        try (InputStream in = req.body(); OutputStream out = res.output()) {
            in.transferTo(out);
        }
    }

    private static void scans(Request req, Response res) {
        StringBuilder words = new StringBuilder();
        try (Scanner s = new Scanner(req.body(), StandardCharsets.UTF_8)) {
            while (s.hasNext()) {
                words.append(s.next());
            }
        }
        res.send("read " + words);
    }

    /** How the client sends a body that fails, and the exact response it must get. */
    enum BodyError {
        INVALID_SIZE("zz\r\nhello\r\n0\r\n\r\n", 400, "Bad Request", "Malformed chunked encoding"),
        MISSING_CRLF_AFTER_DATA("5\r\nhelloXX0\r\n\r\n", 400, "Bad Request", "Malformed chunked encoding"),
        SIZE_OVERFLOW("5\r\nhello\r\n10000000000000000\r\nx\r\n0\r\n\r\n", 413, "Content Too Large",
                "Request body too large"),
        OVER_THE_LIMIT("5\r\nhello\r\nfffc\r\n" + "b".repeat(100), 413, "Content Too Large", "Request body too large"),
        TIMED_OUT("5\r\nhel", 408, "Request Timeout", "Request body not received in time"),
        CLIENT_HALF_CLOSED("5\r\nhel", 400, "Bad Request", "The connection ended inside the request body");

        final String body;
        final String response;

        BodyError(String body, int status, String reason, String message) {
            this.body = body;
            this.response = "HTTP/1.1 " + status + " " + reason + "\r\nDate: *\r\nServer: shockwave\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + message.length()
                    + "\r\nConnection: close\r\n\r\n" + message;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (BodyError e : BodyError.values()) {
            for (String handler : new String[] {"/stream", "/scanner", "/buffer"}) {
                cases.add(Arguments.of(e, handler));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("cases")
    void aFailedBodyIsAnsweredWithItsStatusAndTheConnectionClosed(BodyError error, String handler) throws Exception {
        try (Socket s = connect()) {
            send(s, "POST " + handler + " HTTP/1.1\r\n" + CHUNKED_HEAD + error.body + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                    .repeat(error == BodyError.TIMED_OUT || error == BodyError.CLIENT_HALF_CLOSED ? 0 : 1));
            if (error == BodyError.CLIENT_HALF_CLOSED) {
                s.shutdownOutput();
            }
            Received r = readToEnd(s);
            assertEquals(error.response, r.text(), "and the pipelined request is not served");
            assertFalse(r.reset, "closed with a FIN after the response");
        }
        assertServesOn();
    }

    @ParameterizedTest(name = "through {0}")
    @MethodSource("handlers")
    void aClientThatResetsInTheMiddleOfABodyIsAnOrdinaryEvent(String handler) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        long answeredBefore = server.stats().responses(4);
        long requestsBefore = server.stats().requests();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = connect();
                send(s, "POST " + handler + " HTTP/1.1\r\n" + CHUNKED_HEAD + "100\r\nsome but not all");
                long parsed = requestsBefore + i + 1;
                Await.until(() -> server.stats().requests() == parsed, Duration.ofSeconds(5), () -> "request not read");
                s.setSoLinger(true, 0);
                s.close(); // a reset in the middle of the body
            }
            Await.until(() -> server.stats().responses(4) - answeredBefore == 20, Duration.ofSeconds(10),
                    () -> "answers attempted: " + (server.stats().responses(4) - answeredBefore));
        } finally {
            System.setErr(original);
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        assertFalse(logged.contains("WARN") || logged.contains("ERROR") || logged.contains("\tat "),
                "nothing above debug, no stack trace: " + logged);
        assertServesOn();
    }

    static Stream<String> handlers() {
        return Stream.of("/stream", "/scanner", "/buffer");
    }

    @Test
    void aBodyThatFailsAfterTheResponseStartedLeavesItVisiblyIncomplete() throws Exception {
        // 32 KiB of valid chunk first: the streaming handler has flushed some of it when the body fails.
        String body = "8000\r\n" + "a".repeat(32 * 1024) + "\r\nzz\r\n";
        try (Socket s = connect()) {
            send(s, "POST /stream HTTP/1.1\r\n" + CHUNKED_HEAD + body);
            Received r = readToEnd(s);
            String text = r.text();
            assertTrue(text.startsWith("HTTP/1.1 200 OK\r\nDate: *\r\nServer: shockwave\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n"), text.substring(0, Math.min(200, text.length())));
            assertFalse(text.endsWith("\r\n0\r\n\r\n"), "no last chunk: the client sees the response cut short");
            assertFalse(text.contains("HTTP/1.1 400"), "no second response after the first began");
        }
        assertServesOn();
    }

    @Test
    void aHandlerThatThrowsAfterItsResponseStartedLeavesItVisiblyIncomplete() throws Exception {
        try (Socket s = connect()) {
            send(s, "GET /throw-after-flush HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            Received r = readToEnd(s);
            assertEquals("HTTP/1.1 200 OK\r\nDate: *\r\nServer: shockwave\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "000004\r\npart\r\n", r.text(), "no last chunk, and the next request is not served");
        }
        assertServesOn();
    }

    @Test
    void aCloseDelimitedResponseIsAbortedWithAReset() throws Exception {
        // HTTP/1.0 without a length: a FIN would end the body as if it were whole (RFC 9112 §6.3).
        try (Socket s = connect()) {
            send(s, "GET /throw-after-flush HTTP/1.0\r\n\r\n");
            Received r = readToEnd(s);
            assertTrue(r.reset, "a reset, never a clean end: " + r.text());
        }
        assertServesOn();
    }

    @Test
    void aHandlerThatThrowsBeforeAnythingWasSentGetsA500AndTheConnectionServesOn() throws Exception {
        try (Socket s = connect()) {
            send(s, "GET /throw-after-write HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n");
            Received r = readToEnd(s);
            assertEquals("HTTP/1.1 500 Internal Server Error\r\nDate: *\r\nServer: shockwave\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: 21\r\n\r\nInternal Server Error"
                    + "HTTP/1.1 200 OK\r\nDate: *\r\nServer: shockwave\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: 5\r\nConnection: close\r\n\r\nhello", r.text());
        }
    }

    private void assertServesOn() throws IOException {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("hello", c.read().text(), "the server serves everyone else");
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5000);
        s.setSoTimeout(5000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Everything the server sent until it closed; whether it ended with a reset rather than a FIN. */
    record Received(byte[] bytes, boolean reset) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1).replaceAll("Date: [^\r]*\r\n", "Date: *\r\n");
        }
    }

    private static Received readToEnd(Socket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        InputStream in = s.getInputStream();
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketException e) {
            return new Received(got.toByteArray(), true);
        }
        return new Received(got.toByteArray(), false);
    }
}
