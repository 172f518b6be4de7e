package io.shockwave.runtime.spi;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The current time as an IMF-fixdate (RFC 9110 §5.6.7), e.g.
 * {@code Sun, 06 Nov 1994 08:49:37 GMT}, formatted at most once a second and shared by
 * every connection.
 */
public final class HttpDate {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private record Stamp(long second, byte[] bytes) {
    }

    private static volatile Stamp current = format(System.currentTimeMillis() / 1000);

    private HttpDate() {
    }

    /** The 29 ASCII bytes of the current date; shared, do not modify. */
    public static byte[] now() {
        long second = System.currentTimeMillis() / 1000;
        Stamp s = current;
        if (s.second != second) {
            s = format(second);
            current = s;
        }
        return s.bytes;
    }

    public static String format(Instant instant) {
        return IMF_FIXDATE.format(ZonedDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    private static Stamp format(long second) {
        String text = format(Instant.ofEpochSecond(second));
        return new Stamp(second, text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
