package io.shockwave.tests;

import io.shockwave.runtime.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** RFC 9112 §9.3.2: a client may send several requests without waiting; responses come back in order. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PipeliningTest {
    private final List<String> served = Collections.synchronizedList(new ArrayList<>());
    private Server server;

    @BeforeEach
    void start() {
        server = Server.builder()
                .http("127.0.0.1", 0)
                .routes(r -> r
                        .get("/n/{n}", (req, res) -> {
                            served.add(req.pathParam("n") + "@" + req.remoteAddress().getPort());
                            res.send("response " + req.pathParam("n"));
                        })
                        .post("/echo", (req, res) -> {
                            served.add("echo@" + req.remoteAddress().getPort());
                            res.send(req.bodyBytes());
                        })
                        .get("/boom", (req, res) -> {
                            throw new IllegalStateException("handler bug, on purpose");
                        }))
                .start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            StringBuilder batch = new StringBuilder();
            for (int i = 1; i <= 10; i++) {
                batch.append(get("/n/" + i));
            }
            c.send(batch.toString());

            for (int i = 1; i <= 10; i++) {
                RawResponse res = c.read();
                assertEquals(200, res.status());
                assertEquals("response " + i, res.text());
                assertFalse(res.closes(), "response " + i + " closed the pipeline");
            }
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                expected.add(i + "@" + c.localPort());
            }
            assertEquals(expected, served, "every request was handled once, in order, on this connection");

            // Still open after the batch: the pipeline did not end with a close.
            c.send(get("/n/11"));
            assertEquals("response 11", c.read().text());
        }
    }

    @Test
    void keepsBodiesApartInAPipeline() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/n/1")
                    + "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nGET /n/9 HT"
                    + "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4\r\nGET \r\n3\r\n/n/\r\n0\r\n\r\n"
                    + get("/n/2"));

            assertEquals("response 1", c.read().text());
            assertEquals("GET /n/9 HT", c.read().text(), "a body that looks like a request is still a body");
            assertEquals("GET /n/", c.read().text());
            assertEquals("response 2", c.read().text());
            assertEquals(List.of("1@" + c.localPort(), "echo@" + c.localPort(), "echo@" + c.localPort(),
                    "2@" + c.localPort()), served);
        }
    }

    @Test
    void answersHeadInAPipelineWithoutContent() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/n/1") + "HEAD /n/2 HTTP/1.1\r\nHost: localhost\r\n\r\n" + get("/n/3"));

            assertEquals("response 1", c.read().text());
            RawResponse head = c.readHeadResponse();
            assertEquals(200, head.status());
            assertEquals("response 2".length(), Integer.parseInt(head.header("Content-Length")));
            // Had HEAD carried content, this would parse "response 2" as a status line.
            assertEquals("response 3", c.read().text());
        }
    }

    @Test
    void keepsAnsweringAfterAFailedRequestInAPipeline() throws Exception {
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/n/1") + get("/boom") + get("/missing") + get("/n/2"));

            assertEquals("response 1", c.read().text());
            assertEquals(500, c.read().status());
            assertEquals(404, c.read().status());
            RawResponse last = c.read();
            assertEquals(200, last.status());
            assertEquals("response 2", last.text());
        }
    }

    @Test
    void answersRequestsBeforeAConnectionCloseAndDropsTheRest() throws Exception {
        // RFC 9112 §9.6: after a request with "close" the server sends no further responses.
        try (RawClient c = RawClient.connect(server.port())) {
            c.send(get("/n/1") + "GET /n/2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" + get("/n/3"));

            assertEquals("response 1", c.read().text());
            RawResponse second = c.read();
            assertEquals("response 2", second.text());
            assertEquals("close", second.header("Connection"));
            c.assertClosedByServer();
            assertEquals(List.of("1@" + c.localPort(), "2@" + c.localPort()), served);
        }
    }
}
