package io.shockwave.runtime.internal;

import java.util.Locale;
import java.util.Map;

/**
 * Content types by file extension: a table of our own, not the JDK's probe (which asks the
 * platform, so answers differ between machines). Text types carry {@code charset=utf-8}.
 * An unknown extension is {@code application/octet-stream}: a browser does not guess, and
 * {@code X-Content-Type-Options: nosniff} (sent with every file) tells it not to.
 */
public final class MediaTypes {
    private static final String BINARY = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("wav", "audio/wav"));

    private MediaTypes() {
    }

    /** The content type for a file named {@code name}. */
    public static String forName(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return BINARY;
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), BINARY);
    }

    /**
     * Whether a body of this content type gains from compression: text, JSON, JavaScript,
     * XML, SVG and the like; not images, audio, video, fonts (woff is compressed already) or archives.
     */
    public static boolean isCompressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = HeaderParameters.mediaType(contentType);
        return type.startsWith("text/")
                || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/javascript")
                || type.equals("application/xml") || type.endsWith("+xml")
                || type.equals("application/wasm")
                || type.equals("image/x-icon") || type.equals("font/ttf") || type.equals("font/otf");
    }
}
