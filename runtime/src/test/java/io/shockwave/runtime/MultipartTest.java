package io.shockwave.runtime;

import io.shockwave.runtime.internal.StubRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** multipart/form-data read part by part, whatever sizes the body's reads come in. */
class MultipartTest {
    private static final String BOUNDARY = "----shockwave7MA4YWxkTrZu0gW";

    /** A request whose body is {@code body}, read at most {@code chunk} bytes at a time. */
    private static Request request(byte[] body, int chunk, String contentType) {
        InputStream in = new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        StubRequest stub = StubRequest.of(Method.POST, "/upload");
        stub.headers().set(HeaderName.CONTENT_TYPE, contentType);
        return new RequestWrapper(stub) {
            @Override
            public InputStream body() {
                return in;
            }
        };
    }

    private static byte[] body(byte[] file) {
        String head = "preamble to ignore\r\n--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
                + "Hello; \"world\"\r\n"
                + "--" + BOUNDARY + "  \r\n" // transport padding after a boundary is allowed
                + "Content-Disposition: form-data; name=\"upload\"; filename=\"a \\\"b\\\".bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"empty\"\r\n\r\n"
                + "\r\n--" + BOUNDARY + "--\r\nepilogue";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] t = tail.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + file.length + t.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(file, 0, all, h.length, file.length);
        System.arraycopy(t, 0, all, h.length + file.length, t.length);
        return all;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 46, 8192, 1 << 20})
    void partsAreReadWhateverTheReadSizes(int chunk) throws IOException {
        byte[] file = new byte[50_000];
        new Random(chunk).nextBytes(file);
        // Bytes that look like the start of a delimiter inside the content must stay content.
        byte[] partial = ("\r\n--" + BOUNDARY.substring(0, 10)).getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(partial, 0, file, 1000, partial.length);
        Multipart form = Multipart.of(request(body(file), chunk, "multipart/form-data; boundary=" + BOUNDARY));

        Multipart.Part title = form.next();
        assertEquals("title", title.name());
        assertNull(title.filename());
        assertEquals("text/plain", title.contentType());
        assertEquals("Hello; \"world\"", title.text());

        Multipart.Part upload = form.next();
        assertEquals("upload", upload.name());
        assertEquals("a \"b\".bin", upload.filename());
        assertEquals("application/octet-stream", upload.contentType());
        assertArrayEquals(file, upload.body().readAllBytes());

        Multipart.Part empty = form.next();
        assertEquals("", empty.text());
        assertNull(form.next());
        assertNull(form.next());
    }

    @Test
    void anUnreadPartIsSkipped() throws IOException {
        Multipart form = Multipart.of(request(body(new byte[100_000]), 8192, "multipart/form-data; boundary=\"" + BOUNDARY + "\""));
        List<String> names = new ArrayList<>();
        for (Multipart.Part p; (p = form.next()) != null; ) {
            names.add(p.name());
        }
        assertEquals(List.of("title", "upload", "empty"), names);
    }

    @Test
    void whatIsNotMultipartOrIsMalformedIsAClientError() throws IOException {
        assertEquals(415, assertThrows(HttpException.class,
                () -> Multipart.of(request(new byte[0], 10, "application/json"))).status().code());
        assertEquals(400, assertThrows(HttpException.class,
                () -> Multipart.of(request(new byte[0], 10, "multipart/form-data"))).status().code());
        String cut = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end";
        Multipart unended = Multipart.of(request(cut.getBytes(StandardCharsets.US_ASCII), 10, "multipart/form-data; boundary=b"));
        Multipart.Part a = unended.next();
        assertEquals(400, assertThrows(HttpException.class, a::text).status().code());
        String huge = "--b\r\nX: " + "y".repeat(Multipart.MAX_PART_HEADER) + "\r\n\r\n\r\n--b--";
        assertEquals(400, assertThrows(HttpException.class, () -> Multipart.of(
                request(huge.getBytes(StandardCharsets.US_ASCII), 4096, "multipart/form-data; boundary=b")).next())
                .status().code());
        String many = "--b\r\n\r\nx\r\n".repeat(Multipart.MAX_PARTS + 1) + "--b--";
        Multipart tooMany = Multipart.of(request(many.getBytes(StandardCharsets.US_ASCII), 4096, "multipart/form-data; boundary=b"));
        assertEquals(400, assertThrows(HttpException.class, () -> {
            while (tooMany.next() != null) {
                // read them all
            }
        }).status().code());
    }
}
