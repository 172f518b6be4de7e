package io.shockwave.runtime.spi;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Date header's IMF-fixdate (RFC 9110 §5.6.7). */
class HttpDateTest {
    private static final Pattern IMF_FIXDATE = Pattern.compile(
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} "
                    + "\\d{2}:\\d{2}:\\d{2} GMT");

    @Test
    void formatsTheRfcExample() {
        // RFC 9110 §5.6.7: Sun, 06 Nov 1994 08:49:37 GMT
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.format(Instant.parse("1994-11-06T08:49:37Z")));
    }

    @Test
    void padsDaysAndTimesWithZeros() {
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", HttpDate.format(Instant.EPOCH));
        assertEquals("Sat, 09 Mar 2024 05:04:03 GMT", HttpDate.format(Instant.parse("2024-03-09T05:04:03.999Z")));
    }

    @Test
    void ignoresTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("Tue, 31 Dec 2024 23:59:59 GMT", HttpDate.format(Instant.parse("2024-12-31T23:59:59Z")));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void nowIs29AsciiBytesOfTheCurrentTime() {
        Instant before = Instant.now();
        byte[] now = HttpDate.now();
        Instant after = Instant.now();
        assertEquals(29, now.length);
        String text = new String(now, StandardCharsets.US_ASCII);
        assertTrue(IMF_FIXDATE.matcher(text).matches(), text);
        Instant parsed = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        assertTrue(!parsed.isBefore(before.minus(Duration.ofSeconds(1))) && !parsed.isAfter(after), text);
    }
}
