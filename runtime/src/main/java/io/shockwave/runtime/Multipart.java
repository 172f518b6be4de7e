package io.shockwave.runtime;

import io.shockwave.runtime.internal.Forms;
import io.shockwave.runtime.internal.HeaderParameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A {@code multipart/form-data} body (RFC 7578) read part by part as it arrives, so that an
 * upload of any size (up to the body limit) goes through a small buffer:
 *
 * <pre>{@code
 * Multipart form = Multipart.of(req);
 * for (Multipart.Part part; (part = form.next()) != null; ) {
 *     if (part.filename() != null) {
 *         Files.copy(part.body(), uploads.resolve(UUID.randomUUID().toString()));
 *     } else {
 *         fields.put(part.name(), part.text());
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #next()} skips what was left unread of the part before. A body that is not
 * multipart is a 415; a malformed one (no boundary, a part that never ends, a header section
 * over {@value #MAX_PART_HEADER} bytes, more than {@value #MAX_PARTS} parts) a 400. A part's
 * {@code filename} is what the client claims: never use it as a path.
 */
public final class Multipart {
    public static final int MAX_PART_HEADER = 8 * 1024;
    public static final int MAX_PARTS = 1000;
    /** RFC 2046 §5.1.1: a boundary has at most 70 characters. */
    private static final int MAX_BOUNDARY = 70;

    /** One part: its fields and its content, which {@link #body()} streams. */
    public final class Part {
        private final Headers headers;
        private final String name;
        private final String filename;
        private boolean ended;

        private Part(Headers headers) {
            this.headers = headers;
            String disposition = headers.get("Content-Disposition");
            this.name = disposition == null ? null : HeaderParameters.parameter(disposition, "name");
            this.filename = disposition == null ? null : HeaderParameters.parameter(disposition, "filename");
        }

        public Headers headers() {
            return headers;
        }

        /** The form field's name, or null when the part has none. */
        public String name() {
            return name;
        }

        /** The file name the client sent, or null for a plain field. */
        public String filename() {
            return filename;
        }

        /** The part's Content-Type; {@code text/plain} when it has none (RFC 7578 §4.4). */
        public String contentType() {
            String type = headers.get(HeaderName.CONTENT_TYPE);
            return type == null ? "text/plain" : type;
        }

        /** The content, up to the next boundary. */
        public InputStream body() {
            return content;
        }

        /** The content as UTF-8 text, at most {@code Forms.MAX_FORM_BYTES}; longer is a 413. */
        public String text() throws IOException {
            byte[] b = content.readNBytes(Forms.MAX_FORM_BYTES + 1);
            if (b.length > Forms.MAX_FORM_BYTES) {
                throw new HttpException(Status.CONTENT_TOO_LARGE, "A form field larger than " + Forms.MAX_FORM_BYTES + " bytes");
            }
            return new String(b, StandardCharsets.UTF_8);
        }

        private final InputStream content = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (ended || current != Part.this) {
                    return -1;
                }
                int n = readContent(b, off, len);
                if (n < 0) {
                    ended = true;
                }
                return n;
            }
        };
    }

    private final InputStream in;
    /** CRLF, "--", the boundary: what ends a part's content. */
    private final byte[] delimiter;
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private boolean finished;
    private boolean started;
    private int parts;
    private Part current;

    private Multipart(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[8192 + delimiter.length];
        // The first boundary has no CRLF before it: one is put in front, so every boundary looks alike.
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
    }

    /** The parts of {@code request}'s body; 415 if it is not {@code multipart/form-data} with a boundary. */
    public static Multipart of(Request request) {
        String type = request.header(HeaderName.CONTENT_TYPE);
        if (!HeaderParameters.mediaType(type).equals("multipart/form-data")) {
            throw new HttpException(Status.of(415), "Not a multipart/form-data body");
        }
        String boundary = HeaderParameters.parameter(type, "boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY) {
            throw new HttpException(Status.BAD_REQUEST, "A multipart body without a valid boundary");
        }
        return new Multipart(request.body(), boundary);
    }

    /** The next part, or null after the last; what was left of the one before is skipped. */
    public Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current != null) {
            current.content.skip(Long.MAX_VALUE); // to the delimiter: InputStream.skip reads until the end
        } else if (!started) {
            started = true;
            byte[] skip = new byte[512];
            while (readContent(skip, 0, skip.length) >= 0) {
                // the preamble, ignored (RFC 2046 §5.1.1)
            }
        }
        current = null;
        // After a delimiter: "--" ends the body, else optional whitespace and CRLF start a part.
        fill(2);
        if (limit - pos >= 2 && buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        skipLineEnd();
        if (++parts > MAX_PARTS) {
            throw malformed("More than " + MAX_PARTS + " parts");
        }
        current = new Part(readHeaders());
        return current;
    }

    private void skipLineEnd() throws IOException {
        for (int n = 0; n < 256; n++) {
            fill(1);
            if (pos == limit) {
                break;
            }
            byte b = buf[pos++];
            if (b == '\n') {
                return;
            }
            if (b != '\r' && b != ' ' && b != '\t') {
                break;
            }
        }
        throw malformed("A malformed multipart boundary line");
    }

    private Headers readHeaders() throws IOException {
        Headers headers = new Headers();
        int total = 0;
        while (true) {
            StringBuilder line = new StringBuilder();
            while (true) {
                fill(1);
                if (pos == limit) {
                    throw malformed("A multipart body that ends inside a part's header");
                }
                byte b = buf[pos++];
                if (++total > MAX_PART_HEADER) {
                    throw malformed("A part's header section larger than " + MAX_PART_HEADER + " bytes");
                }
                if (b == '\n') {
                    break;
                }
                line.append((char) (b & 0xFF));
            }
            int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
            if (end == 0) {
                return headers;
            }
            String l = line.substring(0, end);
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw malformed("A malformed part header line");
            }
            try {
                headers.add(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw malformed("A malformed part header line");
            }
        }
    }

    /** Content bytes of the part in progress, or -1 once its delimiter is reached (and consumed). */
    private int readContent(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        fill(delimiter.length);
        int at = indexOf(delimiter, buf, pos, limit);
        if (at == pos) {
            pos += delimiter.length;
            return -1;
        }
        if (at < 0 && eof) {
            throw malformed("A multipart body that ends inside a part");
        }
        // Without a delimiter in view, all but what could be its first bytes is content: fill
        // left at least a whole delimiter's length, so that is one byte or more.
        int n = Math.min(len, at >= 0 ? at - pos : limit - pos - delimiter.length + 1);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Reads until at least {@code want} bytes are buffered, or the body ends. */
    private void fill(int want) throws IOException {
        if (limit - pos >= want || eof) {
            return;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        while (limit - pos < want && !eof) {
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
        }
    }

    private static int indexOf(byte[] needle, byte[] hay, int from, int to) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static HttpException malformed(String message) {
        return new HttpException(Status.BAD_REQUEST, message);
    }
}
