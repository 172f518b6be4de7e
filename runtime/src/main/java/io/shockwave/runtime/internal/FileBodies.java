package io.shockwave.runtime.internal;

import io.shockwave.runtime.Response;
import io.shockwave.runtime.spi.BufferPool;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A file region copied into a response a pooled buffer at a time, where the transport cannot send it itself. */
public final class FileBodies {
    private FileBodies() {
    }

    /** Sends {@code count} bytes of {@code file} from {@code position}, with Content-Length. */
    public static void copy(Response response, Path file, long position, long count) throws IOException {
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("a negative file position or count");
        }
        try (InputStream in = Files.newInputStream(file)) { // its skip moves the file's position: no read
            copy(response, in, position, count);
        }
    }

    /** Sends {@code count} bytes of {@code in} after skipping {@code position}, with Content-Length. */
    public static void copy(Response response, InputStream in, long position, long count) throws IOException {
        in.skipNBytes(position);
        response.contentLength(count);
        OutputStream out = response.output();
        BufferPool pool = BufferPool.shared();
        byte[] buf = pool.acquire();
        try {
            long done = 0;
            while (done < count) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, count - done));
                if (n < 0) {
                    throw new EOFException("the body ended " + (count - done) + " bytes early");
                }
                out.write(buf, 0, n);
                done += n;
            }
        } finally {
            pool.release(buf);
        }
    }
}
