package io.shockwave.benchmarks.peers;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What every peer server shares: the command line ({@code --port N}, default 8080), the two
 * bodies, and the line the benchmark driver waits for.
 */
final class Peers {
    static final String PLAINTEXT_PATH = "/plaintext";
    static final String JSON_PATH = "/json";
    static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    static final byte[] JSON = "{\"message\":\"Hello, World!\"}".getBytes(StandardCharsets.US_ASCII);
    static final String TEXT_PLAIN = "text/plain";
    static final String APPLICATION_JSON = "application/json";

    // RFC 9110 §5.6.7 IMF-fixdate; RFC_1123_DATE_TIME would drop the leading zero of the day.
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private Peers() {
    }

    static int port(String[] args) {
        int port = 8080;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> {
                    if (++i >= args.length) {
                        throw new IllegalArgumentException("--port needs a value");
                    }
                    port = Integer.parseInt(args[i]);
                }
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        return port;
    }

    /** The current time as an HTTP {@code Date} value, for servers that leave that header to the application. */
    static String httpDate() {
        return IMF_FIXDATE.format(ZonedDateTime.now(ZoneOffset.UTC));
    }

    static void ready(int port) {
        System.out.println("ready on port " + port);
        System.out.flush();
    }
}
