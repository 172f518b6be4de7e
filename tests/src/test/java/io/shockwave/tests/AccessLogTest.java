package io.shockwave.tests;

import io.shockwave.runtime.AccessLog;
import io.shockwave.runtime.Server;
import io.shockwave.tests.Clients.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.shockwave.tests.Clients.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log: its two formats on every protocol, escaping, and a stuck sink that slows no one. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessLogTest {
    @TempDir
    Path dir;

    private static Server start(AccessLog log) {
        return Server.builder()
                .http("127.0.0.1", 0)
                .https("127.0.0.1", 0)
                .observer(log)
                .routes(r -> r
                        .get("/hello", (req, res) -> res.send("Hello"))
                        .get("/fail", (req, res) -> {
                            throw new IllegalStateException("a bug");
                        })
                        .get("/abort", (req, res) -> {
                            OutputStream out = res.output();
                            out.write("partial".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            throw new IllegalStateException("failed after the response started");
                        }))
                .start();
    }

    private static String next(LinkedBlockingQueue<String> lines) throws InterruptedException {
        String line = lines.poll(20, TimeUnit.SECONDS);
        assertNotNull(line, "no access log line");
        return line;
    }

    @Test
    void combinedOnEveryProtocol() throws Exception {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        AccessLog log = AccessLog.combined().to(lines::add);
        Server server = start(log);
        try {
            String[] protocols = {"HTTP/1.1", "HTTP/2", "HTTP/3"};
            for (Protocol p : Protocol.values()) {
                Clients.send(server, p, request("/hello?x=1").header("User-Agent", "ua \"quoted\" \\ back")
                        .header("Referer", "https://example.test/"));
                String line = next(lines);
                String expected = "127.0.0.1 - - [";
                assertTrue(line.startsWith(expected), line);
                String afterTime = line.substring(line.indexOf("] ") + 2);
                String prefix = "\"GET /hello?x=1 " + protocols[p.ordinal()] + "\" 200 5 \"https://example.test/\" "
                        + "\"ua \\\"quoted\\\" \\\\ back\" ";
                assertTrue(afterTime.startsWith(prefix), afterTime);
                assertTrue(afterTime.substring(prefix.length()).matches("\\d+"), afterTime);

                HttpResponse<String> failed = Clients.send(server, p, request("/fail"));
                assertEquals(500, failed.statusCode());
                assertTrue(next(lines).contains("\"GET /fail " + protocols[p.ordinal()] + "\" 500 "), "500 logged");
            }
            Tool.Run r = Tool.find("curl").run(dir, 30, "-s", "http://127.0.0.1:" + server.port() + "/abort");
            assertTrue(r.exit() != 0, "curl took the aborted response for whole");
            String aborted = next(lines);
            assertTrue(aborted.contains("\"GET /abort HTTP/1.1\" 200 ") && aborted.endsWith(" aborted"), aborted);
        } finally {
            server.stop(Duration.ofSeconds(2));
            log.close();
        }
    }

    @Test
    void jsonLines() throws Exception {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        AccessLog log = AccessLog.jsonLines().to(lines::add);
        Server server = start(log);
        try {
            Tool.Run r = Tool.find("curl").run(dir, 30, "-s", "-A", "q\"uote \u00e9",
                    "http://127.0.0.1:" + server.port() + "/hello");
            assertEquals("Hello", r.out());
            String line = next(lines);
            assertTrue(line.matches("\\{\"time\":\"[^\"]+\",\"remote\":\"127\\.0\\.0\\.1\",\"method\":\"GET\","
                    + "\"target\":\"/hello\",\"protocol\":\"HTTP/1\\.1\",\"status\":200,\"bytes\":5,"
                    + "\"duration_us\":\\d+,\"user_agent\":\".*\",\"aborted\":false}"), line);
            // The UTF-8 bytes of é, each escaped, and the quote: nothing in the line but printable ASCII.
            assertTrue(line.contains("\"user_agent\":\"q\\\"uote \\u00C3\\u00A9\""), line);
        } finally {
            server.stop(Duration.ofSeconds(2));
            log.close();
        }
    }

    /** A sink that blocks holds up no response: records queue, and beyond the queue they are dropped and counted. */
    @Test
    void aStuckSinkSlowsNoResponse() throws Exception {
        CountDownLatch unstuck = new CountDownLatch(1);
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        AccessLog log = AccessLog.combined().withQueue(4).to(line -> {
            try {
                unstuck.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lines.add(line);
        });
        Server server = start(log);
        try {
            for (int i = 0; i < 20; i++) {
                assertEquals("Hello", Clients.send(server, Protocol.HTTP_1_1, request("/hello")).body());
            }
            assertTrue(log.dropped() >= 20 - 4 - 1, "dropped " + log.dropped());
            unstuck.countDown();
            next(lines);
        } finally {
            unstuck.countDown();
            server.stop(Duration.ofSeconds(2));
            log.close();
        }
    }
}
