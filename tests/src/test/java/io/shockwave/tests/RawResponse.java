package io.shockwave.tests;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * One response as {@link RawClient} parsed it from the wire.
 *
 * @param statusLine the status line without its CRLF, e.g. {@code HTTP/1.1 200 OK}
 * @param status the status code
 * @param headers the header fields in the order they arrived
 * @param body the content, with any chunked framing removed
 * @param chunked whether the content arrived with chunked framing
 * @param trailers the trailer fields of a chunked body
 */
record RawResponse(String statusLine, int status, List<Field> headers, byte[] body, boolean chunked,
                   List<Field> trailers) {

    /** A header or trailer field; the name as sent, the value without surrounding whitespace. */
    record Field(String name, String value) {
    }

    /** The first value of the field {@code name} (any case), or null. */
    String header(String name) {
        return first(headers, name);
    }

    String trailer(String name) {
        return first(trailers, name);
    }

    List<String> headerValues(String name) {
        return headers.stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).toList();
    }

    /** Whether the server said it will close the connection after this response. */
    boolean closes() {
        String c = header("Connection");
        return c != null && c.toLowerCase(Locale.ROOT).contains("close");
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String first(List<Field> fields, String name) {
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return f.value();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return statusLine + " " + headers + " body=" + body.length + " bytes";
    }
}
