package io.shockwave.runtime;

import io.shockwave.runtime.internal.AcceptEncoding;
import io.shockwave.runtime.internal.ByteRange;
import io.shockwave.runtime.internal.FileBodies;
import io.shockwave.runtime.internal.MediaTypes;
import io.shockwave.runtime.internal.StaticResource;
import io.shockwave.runtime.spi.HttpDate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Serves files from a directory or from the class path, mounted with
 * {@link Routes#staticFiles(String, Path)} or on a wildcard route,
 * {@code r.get("/assets/*", StaticFiles.of(dir))}: the wildcard names the file.
 *
 * <ul>
 *   <li>Content-Type from the extension ({@code MediaTypes}, a table of our own),
 *       {@code X-Content-Type-Options: nosniff}, {@code ETag} (size and modification time)
 *       and {@code Last-Modified}; {@code If-None-Match} and {@code If-Modified-Since} give
 *       304.</li>
 *   <li>One byte range gives 206 ({@code If-Range} honoured), a range past the end 416;
 *       several ranges are answered with the whole file.</li>
 *   <li>A directory serves its {@code index.html}; asked for without its final '/', it is
 *       redirected (301) to it, so relative links in the page resolve.</li>
 *   <li>A {@code .br} or {@code .gz} sibling is sent instead when the client accepts that
 *       coding, with {@code Content-Encoding} and {@code Vary: Accept-Encoding}.</li>
 *   <li>Nothing outside the root: the path was normalised and its encoded '/' refused before
 *       routing; a segment with NUL, '\' or a leading '.' (hidden files, {@code .git}) is 404;
 *       a symbolic link that leads outside the root is 404 unless
 *       {@link #followingLinksOutside} allows it.</li>
 *   <li>Bodies go by {@link Response#sendFile}: by {@code sendfile(2)} on cleartext HTTP/1.1
 *       over epoll, else through the connection's buffers, never a whole file in memory.</li>
 * </ul>
 */
public final class StaticFiles implements Handler {
    private static final NotFound NOT_FOUND = new NotFound();

    private final StaticResource.Source source;
    private final String index;
    private final String cacheControl;
    private final boolean precompressed;

    private StaticFiles(StaticResource.Source source, String index, String cacheControl, boolean precompressed) {
        this.source = source;
        this.index = index;
        this.cacheControl = cacheControl;
        this.precompressed = precompressed;
    }

    /** The files under {@code root}, a directory. */
    public static StaticFiles of(Path root) {
        return new StaticFiles(StaticResource.directory(root, false), "index.html", null, true);
    }

    /** The class path's resources under {@code prefix} ({@code "public"} serves {@code public/app.js} as {@code app.js}). */
    public static StaticFiles fromClassPath(String prefix) {
        return fromClassPath(StaticFiles.class.getClassLoader(), prefix);
    }

    public static StaticFiles fromClassPath(ClassLoader loader, String prefix) {
        return new StaticFiles(StaticResource.classPath(loader, prefix), "index.html", null, true);
    }

    /** Lets symbolic links lead outside the root directory; off by default. */
    public StaticFiles followingLinksOutside(boolean allowed) {
        return new StaticFiles(source.followingLinksOutside(allowed), index, cacheControl, precompressed);
    }

    /** The {@code Cache-Control} of every file, e.g. {@code max-age=3600}; none by default. */
    public StaticFiles withCacheControl(String value) {
        return new StaticFiles(source, index, value, precompressed);
    }

    /** The file a directory serves; {@code null} for none (a directory is then 404). */
    public StaticFiles withIndex(String name) {
        return new StaticFiles(source, name, cacheControl, precompressed);
    }

    /** Whether {@code .br} and {@code .gz} siblings are served to clients that accept them; on by default. */
    public StaticFiles withPrecompressed(boolean enabled) {
        return new StaticFiles(source, index, cacheControl, enabled);
    }

    @Override
    public void handle(Request req, Response res) throws Exception {
        if (req.method() != Method.GET && req.method() != Method.HEAD) {
            throw new MethodNotAllowed("GET, HEAD");
        }
        String relative = req.pathParam("*");
        if (relative == null) {
            relative = req.path().substring(1);
        }
        if (!isSafe(relative)) {
            throw NOT_FOUND;
        }
        StaticResource file = source.find(relative);
        if (file == null || !file.isDirectory() && relative.endsWith("/")) {
            throw NOT_FOUND; // nothing there, or a file named as if it were a directory
        }
        if (file.isDirectory()) {
            if (!req.path().endsWith("/")) {
                redirectToDirectory(req, res);
                return;
            }
            file = index == null ? null : source.find(relative.isEmpty() || relative.endsWith("/")
                    ? relative + index : relative + "/" + index);
            if (file == null || file.isDirectory()) {
                throw NOT_FOUND;
            }
        }
        serve(req, res, file);
    }

    /** No NUL, no backslash (a browser reads it as '/'), no "." or ".." segment, no hidden file. */
    private static boolean isSafe(String relative) {
        if (relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) {
            return false;
        }
        for (String segment : relative.split("/", -1)) {
            if (segment.startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    /** {@code /docs} to {@code /docs/}; never to another host, whatever the path starts with. */
    private static void redirectToDirectory(Request req, Response res) {
        String path = req.rawPath();
        int i = 0;
        while (i < path.length() - 1 && path.charAt(i) == '/' && path.charAt(i + 1) == '/') {
            i++; // "//evil.example/" would be a reference to another host
        }
        String query = req.rawQuery();
        res.redirect(Status.MOVED_PERMANENTLY, path.substring(i) + "/" + (query == null ? "" : "?" + query));
    }

    private void serve(Request req, Response res, StaticResource file) throws IOException {
        String etag = file.etag();
        long modifiedSeconds = file.lastModifiedMillis() / 1000;
        StaticResource variant = file;
        String coding = null;
        String type = MediaTypes.forName(file.name());
        if (precompressed && MediaTypes.isCompressible(type)) {
            // Vary whether or not a sibling exists: looking costs a stat per coding, so it is
            // done only for a client that accepts one, and the answer must not differ by it.
            res.header(HeaderName.VARY, "Accept-Encoding");
            String accept = req.header(HeaderName.ACCEPT_ENCODING);
            if (accept != null && !req.headers().contains(HeaderName.RANGE)) {
                StaticResource br = AcceptEncoding.accepts(accept, "br") ? source.sibling(file, ".br") : null;
                StaticResource gz = br == null && AcceptEncoding.accepts(accept, "gzip") ? source.sibling(file, ".gz") : null;
                variant = br != null ? br : gz != null ? gz : file;
                coding = br != null ? "br" : gz != null ? "gzip" : null;
                if (coding != null) {
                    etag = variant.etag();
                }
            }
        }
        res.header(HeaderName.ETAG, etag)
                .header(HeaderName.LAST_MODIFIED, HttpDate.format(Instant.ofEpochSecond(modifiedSeconds)))
                .header(HeaderName.ACCEPT_RANGES, "bytes")
                .header("X-Content-Type-Options", "nosniff");
        if (cacheControl != null) {
            res.header(HeaderName.CACHE_CONTROL, cacheControl);
        }
        if (notModified(req, etag, modifiedSeconds)) {
            res.status(Status.NOT_MODIFIED).send();
            return;
        }
        res.contentType(type);
        if (coding != null) {
            res.header(HeaderName.CONTENT_ENCODING, coding);
        }
        long size = variant.size();
        ByteRange range = req.method() == Method.GET && ifRangeHolds(req, etag, modifiedSeconds)
                ? ByteRange.parse(req.header(HeaderName.RANGE), size) : null;
        if (range == ByteRange.UNSATISFIABLE) {
            res.header(HeaderName.CONTENT_RANGE, "bytes */" + size);
            res.headers().remove(HeaderName.CONTENT_TYPE);
            res.status(Status.RANGE_NOT_SATISFIABLE).send();
            return;
        }
        long start = 0;
        long length = size;
        if (range != null) {
            start = range.start();
            length = range.length();
            res.status(Status.PARTIAL_CONTENT).header(HeaderName.CONTENT_RANGE, range.contentRange(size));
        }
        if (req.method() == Method.HEAD) {
            res.contentLength(length);
            return;
        }
        Path path = variant.path();
        if (path != null) {
            res.sendFile(path, start, length);
        } else {
            try (var in = variant.open()) {
                FileBodies.copy(res, in, start, length);
            }
        }
    }

    /** RFC 9110 §13.1.2 and §13.1.3: If-None-Match first; If-Modified-Since only without it. */
    private static boolean notModified(Request req, String etag, long modifiedSeconds) {
        String noneMatch = req.header(HeaderName.IF_NONE_MATCH);
        if (noneMatch != null) {
            String mine = weak(etag);
            for (String tag : noneMatch.split(",")) {
                String t = tag.strip();
                if (t.equals("*") || weak(t).equals(mine)) {
                    return true;
                }
            }
            return false;
        }
        Long since = date(req.header(HeaderName.IF_MODIFIED_SINCE));
        return since != null && modifiedSeconds <= since;
    }

    /** RFC 9110 §13.1.5: the range applies only if the representation is the one the client has. */
    private static boolean ifRangeHolds(Request req, String etag, long modifiedSeconds) {
        String ifRange = req.header(HeaderName.IF_RANGE);
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.strip();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return v.equals(etag) && !v.startsWith("W/"); // a strong comparison
        }
        Long date = date(v);
        return date != null && date == modifiedSeconds;
    }

    private static String weak(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    /** Seconds since the epoch of an HTTP-date, or null if it is not one. */
    private static Long date(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
