package io.shockwave.http1.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reads the responses a connection wrote, strictly, as a client would (RFC 9112 §4-§7):
 * the status line, the header section, then the body framed by RFC 9112 §6.3. Chunked
 * bodies are decoded and their framing checked; anything malformed fails the test.
 */
final class ResponseReader {
    private final byte[] bytes;
    private int pos;

    ResponseReader(byte[] bytes) {
        this.bytes = bytes;
    }

    record Field(String name, String value) {
    }

    record Parsed(String version, int status, String reason, List<Field> headers, byte[] body,
                  List<Integer> chunkSizes, List<Field> trailers) {

        /** The first value of {@code name}, ignoring case, or null. */
        String header(String name) {
            for (Field f : headers) {
                if (f.name().equalsIgnoreCase(name)) {
                    return f.value();
                }
            }
            return null;
        }

        int count(String name) {
            return (int) headers.stream().filter(f -> f.name().equalsIgnoreCase(name)).count();
        }

        String trailer(String name) {
            for (Field f : trailers) {
                if (f.name().equalsIgnoreCase(name)) {
                    return f.value();
                }
            }
            return null;
        }

        boolean isChunked() {
            return chunkSizes != null;
        }

        boolean closes() {
            String c = header("Connection");
            return c != null && c.equalsIgnoreCase("close");
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    boolean atEnd() {
        return pos == bytes.length;
    }

    /** The next response to a request other than HEAD. */
    Parsed next() {
        return next(false);
    }

    /** The next response to a HEAD request: never a body (RFC 9110 §9.3.2). */
    Parsed nextToHead() {
        return next(true);
    }

    /** Every remaining response, none to HEAD. */
    List<Parsed> all() {
        List<Parsed> out = new ArrayList<>();
        while (!atEnd()) {
            out.add(next());
        }
        return out;
    }

    private Parsed next(boolean head) {
        String statusLine = line();
        if (!statusLine.matches("HTTP/1\\.1 [1-5]\\d\\d .*")) {
            fail("malformed status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        String reason = statusLine.substring(13);
        List<Field> headers = fields();
        Parsed p = new Parsed("HTTP/1.1", status, reason, headers, new byte[0], null, List.of());
        if (head || status < 200 || status == 204 || status == 304) {
            return p;
        }
        String te = p.header("Transfer-Encoding");
        String cl = p.header("Content-Length");
        if (te != null) {
            if (cl != null) {
                fail("both Transfer-Encoding and Content-Length");
            }
            if (!te.equals("chunked")) {
                fail("unexpected Transfer-Encoding: " + te);
            }
            return chunked(p);
        }
        if (cl != null) {
            if (p.count("Content-Length") != 1 || !cl.matches("\\d+")) {
                fail("bad Content-Length: " + headers);
            }
            int n = Integer.parseInt(cl);
            if (pos + n > bytes.length) {
                fail("body shorter than Content-Length " + n + ": " + (bytes.length - pos));
            }
            byte[] body = java.util.Arrays.copyOfRange(bytes, pos, pos + n);
            pos += n;
            return new Parsed(p.version(), status, reason, headers, body, null, List.of());
        }
        // RFC 9112 §6.3 (8): the body lasts until the connection closes.
        byte[] body = java.util.Arrays.copyOfRange(bytes, pos, bytes.length);
        pos = bytes.length;
        return new Parsed(p.version(), status, reason, headers, body, null, List.of());
    }

    private Parsed chunked(Parsed p) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Integer> sizes = new ArrayList<>();
        while (true) {
            String sizeLine = line();
            if (!sizeLine.matches("[0-9a-fA-F]{1,8}")) {
                fail("malformed chunk size line: " + sizeLine);
            }
            int size = Integer.parseInt(sizeLine, 16);
            if (size == 0) {
                break;
            }
            sizes.add(size);
            if (pos + size + 2 > bytes.length) {
                fail("chunk of " + size + " truncated");
            }
            body.write(bytes, pos, size);
            pos += size;
            if (bytes[pos] != '\r' || bytes[pos + 1] != '\n') {
                fail("chunk data not followed by CRLF at " + pos);
            }
            pos += 2;
        }
        List<Field> trailers = fields();
        return new Parsed(p.version(), p.status(), p.reason(), p.headers(), body.toByteArray(), sizes, trailers);
    }

    private List<Field> fields() {
        List<Field> out = new ArrayList<>();
        while (true) {
            String line = line();
            if (line.isEmpty()) {
                return out;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).matches("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+")) {
                fail("malformed field line: " + line);
            }
            out.add(new Field(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
    }

    /** A line up to CRLF; a bare CR or LF fails. */
    private String line() {
        int start = pos;
        while (true) {
            if (pos + 1 >= bytes.length) {
                fail("truncated at " + start + ": " + new String(bytes, start, bytes.length - start,
                        StandardCharsets.ISO_8859_1));
            }
            if (bytes[pos] == '\n') {
                fail("bare LF at " + pos);
            }
            if (bytes[pos] == '\r') {
                if (bytes[pos + 1] != '\n') {
                    fail("bare CR at " + pos);
                }
                String line = new String(bytes, start, pos - start, StandardCharsets.ISO_8859_1);
                pos += 2;
                return line;
            }
            pos++;
        }
    }
}
