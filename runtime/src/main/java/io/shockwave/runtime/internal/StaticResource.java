package io.shockwave.runtime.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.jar.JarEntry;

/**
 * A file that static files serve, found in a directory or on the class path: a regular
 * file or a directory, never a device, a FIFO (whose open would block) or a socket.
 *
 * @param relative the name under the root it was found by
 * @param path     where it is on disk (its real path), or null for a resource inside a jar
 * @param url      where it is on the class path, or null for a file of a directory
 */
public record StaticResource(String relative, String name, long size, long lastModifiedMillis, boolean isDirectory,
                             Path path, URL url) {

    /**
     * {@code "<size>-<modified>"} in hex, quoted: changes when either does. Weak for a
     * resource inside a jar: reproducible builds give every entry one time stamp, so a new
     * release may change a file and keep its size and time, and a strong validator would let
     * a range from the old file be spliced onto the new one.
     */
    public String etag() {
        String tag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(lastModifiedMillis) + "\"";
        return path == null ? "W/" + tag : tag;
    }

    public InputStream open() throws IOException {
        return path != null ? Files.newInputStream(path) : url.openStream();
    }

    /** Where static files look. */
    public interface Source {
        /** The file or directory at {@code relative} (no leading '/'), or null. */
        StaticResource find(String relative) throws IOException;

        /** {@code file}'s sibling with {@code suffix} ({@code app.js.gz}), a regular file, or null. */
        default StaticResource sibling(StaticResource file, String suffix) throws IOException {
            StaticResource s = find(file.relative() + suffix);
            return s == null || s.isDirectory() ? null : s;
        }

        /** This source, letting symbolic links lead outside its root or not. */
        Source followingLinksOutside(boolean allowed);
    }

    public static Source directory(Path root, boolean linksOutside) {
        Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("no directory " + root, e);
        }
        if (!Files.isDirectory(real)) {
            throw new IllegalArgumentException("not a directory: " + root);
        }
        return new Directory(real, linksOutside);
    }

    public static Source classPath(ClassLoader loader, String prefix) {
        String p = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
        if (p.isEmpty()) {
            // The whole class path would be served: classes, and configuration with its secrets.
            throw new IllegalArgumentException("a class path prefix is required, such as \"public\"");
        }
        return new ClassPath(loader, p);
    }

    private record Directory(Path root, boolean linksOutside) implements Source {
        @Override
        public StaticResource find(String relative) throws IOException {
            Path p = root.resolve(relative).normalize();
            if (!p.startsWith(root)) {
                return null;
            }
            try {
                // The real path costs a readlink per component: only to keep links inside the root.
                Path real = linksOutside ? p : p.toRealPath();
                if (!linksOutside && !real.startsWith(root)) {
                    return null;
                }
                BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
                if (!a.isRegularFile() && !a.isDirectory()) {
                    return null;
                }
                return new StaticResource(relative, p.getFileName() == null ? "" : p.getFileName().toString(),
                        a.size(), a.lastModifiedTime().toMillis(), a.isDirectory(), real, null);
            } catch (NoSuchFileException | java.nio.file.AccessDeniedException e) {
                return null;
            } catch (java.nio.file.FileSystemException e) {
                return null; // e.g. ENOTDIR, ELOOP, a name too long: nothing to serve there
            }
        }

        /** One stat for a sibling that is not there (the usual case), not a whole real-path walk. */
        @Override
        public StaticResource sibling(StaticResource file, String suffix) throws IOException {
            Path p = root.resolve(file.relative() + suffix).normalize();
            if (!p.startsWith(root) || !Files.isRegularFile(p)) {
                return null;
            }
            return Source.super.sibling(file, suffix);
        }

        @Override
        public Source followingLinksOutside(boolean allowed) {
            return new Directory(root, allowed);
        }
    }

    private record ClassPath(ClassLoader loader, String prefix) implements Source {
        @Override
        public StaticResource find(String relative) throws IOException {
            String name = relative.isEmpty() ? prefix + "/" : prefix + "/" + relative;
            URL url = loader.getResource(name);
            if (url == null) {
                return null;
            }
            String simple = relative.substring(relative.lastIndexOf('/') + 1);
            if (url.getProtocol().equals("file")) {
                try {
                    Path p = Path.of(url.toURI());
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (!a.isRegularFile() && !a.isDirectory()) {
                        return null;
                    }
                    return new StaticResource(relative, simple, a.size(), a.lastModifiedTime().toMillis(), a.isDirectory(),
                            p, url);
                } catch (URISyntaxException | NoSuchFileException e) {
                    return null;
                }
            }
            URLConnection c = url.openConnection();
            if (c instanceof JarURLConnection jar) {
                JarEntry e = jar.getJarEntry();
                if (e == null) {
                    return null;
                }
                boolean directory = e.isDirectory() || loader.getResource(name + "/") != null;
                return new StaticResource(relative, simple, directory ? 0 : e.getSize(), e.getTime(), directory, null, url);
            }
            long length = c.getContentLengthLong();
            // A resource whose length is not known cannot be sent with a Content-Length or ranges.
            return length < 0 ? null : new StaticResource(relative, simple, length, c.getLastModified(), false, null, url);
        }

        @Override
        public Source followingLinksOutside(boolean allowed) {
            return this; // the class path has no links to follow
        }
    }
}
