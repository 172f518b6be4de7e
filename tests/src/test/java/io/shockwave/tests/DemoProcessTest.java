package io.shockwave.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    @TempDir
    Path dir;

    @Test
    void stopsGracefullyOnSigtermAndExitsWith143() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        // Its output goes to a file, read after it exits: a pipe read while the process exits
        // may fail with "Stream closed" in the JDK's own process streams.
        Path output = dir.resolve("demo.log");
        Process demo = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.shockwave.samples.demo.DemoApp", "--host", "127.0.0.1", "--port", "0", "--access-log")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            Await.until(() -> READY.matcher(read(output)).find() || !demo.isAlive(), Duration.ofSeconds(30),
                    () -> "the demo never said where it serves:\n" + read(output));
            Matcher m = READY.matcher(read(output));
            assertTrue(m.find(), "the demo never said where it serves:\n" + read(output));
            int p = Integer.parseInt(m.group(1));
            try (RawClient c = RawClient.connect(p)) {
                c.send("GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals("Hello, World!", c.read().text());

                demo.destroy(); // SIGTERM
                c.assertClosedByServer(); // the idle keep-alive connection is closed, cleanly
            }
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), "the demo did not stop");
            assertEquals(143, demo.exitValue(), "128 + SIGTERM, as a shell expects of a terminated process");
            String log = read(output);
            assertFalse(log.contains("Exception"), log);
            // --access-log: the exchange's line, written before the demo exited.
            assertTrue(log.contains("\"GET /plaintext HTTP/1.1\" 200 13 \"-\" \"-\" "), log);
        } finally {
            demo.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
