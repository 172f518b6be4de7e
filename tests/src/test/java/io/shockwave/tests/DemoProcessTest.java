package io.shockwave.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo as a process of its own: it serves, and a SIGTERM stops it with the conventional status. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoProcessTest {
    private static final Pattern READY = Pattern.compile("Shockwave demo on http://localhost:(\\d+)/");

    @Test
    void stopsGracefullyOnSigtermAndExitsWith143() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process demo = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.shockwave.samples.demo.DemoApp", "--host", "127.0.0.1", "--port", "0", "--access-log")
                .redirectErrorStream(true)
                .start();
        StringBuffer log = new StringBuffer();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    log.append(line).append('\n');
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                log.append(e);
            }
            port.complete(-1);
        });
        try {
            int p = port.get(30, TimeUnit.SECONDS);
            assertTrue(p > 0, "the demo never said where it serves:\n" + log);
            try (RawClient c = RawClient.connect(p)) {
                c.send("GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals("Hello, World!", c.read().text());

                demo.destroy(); // SIGTERM
                c.assertClosedByServer(); // the idle keep-alive connection is closed, cleanly
            }
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), "the demo did not stop");
            assertEquals(143, demo.exitValue(), "128 + SIGTERM, as a shell expects of a terminated process");
            reader.join(10_000);
            assertFalse(log.toString().contains("Exception"), log.toString());
            // --access-log: the exchange's line, written before the demo exited.
            assertTrue(log.toString().contains("\"GET /plaintext HTTP/1.1\" 200 13 \"-\" \"-\" "), log.toString());
        } finally {
            demo.destroyForcibly();
        }
    }
}
