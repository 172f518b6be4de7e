package io.shockwave.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client side of the idle-connection memory measurement in {@code benchmarks/compare.sh}:
 * opens N keep-alive connections to a server, sends one {@code GET} on each, reads the whole
 * response, and then holds every connection open without a byte more until its standard
 * input closes (or {@code --hold} seconds pass), so the server's cost per idle connection
 * can be measured while they are all open.
 *
 * <p>Connections are spread over several loopback source addresses ({@code --sources
 * 127.0.0.2,127.0.0.3,...}) so that one run never comes near the ephemeral port range of
 * one address, and so that the script can give every server its own addresses and no
 * {@code TIME_WAIT} left by the previous server's run is in the way.
 *
 * <p>Prints {@code open N} (and {@code failed F first-error ...} if any failed) once every
 * connection has been tried, then {@code closed} on the way out.
 *
 * <pre>
 * java -cp benchmarks/target/classes io.shockwave.benchmarks.IdleConnections \
 *     --port 18080 --connections 10000 --sources 127.0.0.2,127.0.0.3 [--host 127.0.0.1]
 *     [--path /plaintext] [--concurrency 128] [--hold 120] [--protocol h1|h2c|h1-tls|h2-tls]
 * </pre>
 * {@code h2c} sends the HTTP/2 preface and one request (prior knowledge); the TLS ones
 * trust any certificate and ask ALPN for {@code http/1.1} or {@code h2}.
 */
public final class IdleConnections {
    private static final int MAX_HEAD = 16 * 1024;

    private IdleConnections() {
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = -1;
        int connections = 10_000;
        int concurrency = 128;
        long holdSeconds = 120;
        String path = "/plaintext";
        String protocol = "h1";
        List<InetAddress> sources = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--host" -> host = value;
                case "--port" -> port = Integer.parseInt(value);
                case "--connections" -> connections = Integer.parseInt(value);
                case "--concurrency" -> concurrency = Integer.parseInt(value);
                case "--hold" -> holdSeconds = Long.parseLong(value);
                case "--path" -> path = value;
                case "--protocol" -> protocol = value;
                case "--sources" -> {
                    for (String s : value.split(",")) {
                        sources.add(InetAddress.getByName(s.trim()));
                    }
                }
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
            i++;
        }
        if (port <= 0 || connections <= 0) {
            System.err.println("usage: IdleConnections --port N [--connections N] [--sources A,B,..]");
            System.exit(2);
        }
        if (sources.isEmpty()) {
            sources.add(null); // the kernel picks the source address
        }

        InetSocketAddress server = new InetSocketAddress(host, port);
        boolean h2 = protocol.startsWith("h2");
        boolean tls = protocol.endsWith("-tls");
        byte[] request = h2 ? Http2Request.bytes(path, tls)
                : ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        javax.net.ssl.SSLSocketFactory sslFactory = tls ? trustingAll() : null;
        String alpn = h2 ? "h2" : "http/1.1";
        ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        // Bounded concurrency: a burst of thousands of SYNs would overflow the accept
        // backlog of servers that keep the JDK's default of 50 and turn into retries.
        Semaphore inFlight = new Semaphore(concurrency);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < connections; i++) {
                InetAddress source = sources.get(i % sources.size());
                inFlight.acquire();
                executor.submit(() -> {
                    try {
                        open.add(openOne(server, source, request, sslFactory, alpn, h2));
                    } catch (IOException | RuntimeException e) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        System.out.println("open " + open.size());
        if (failed.get() > 0) {
            System.out.println("failed " + failed.get() + " first-error " + firstError.get());
        }
        System.out.flush();

        awaitStdinClosed(holdSeconds);
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is best effort: the process exits next anyway
            }
        }
        System.out.println("closed");
    }

    private static Socket openOne(InetSocketAddress server, InetAddress source, byte[] request,
                                  javax.net.ssl.SSLSocketFactory tls, String alpn, boolean h2) throws IOException {
        Socket socket = new Socket();
        try {
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.connect(server, 10_000);
            socket.setSoTimeout(10_000);
            if (tls != null) {
                javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) tls.createSocket(socket,
                        server.getHostString(), server.getPort(), true);
                javax.net.ssl.SSLParameters parameters = ssl.getSSLParameters();
                parameters.setApplicationProtocols(new String[] {alpn});
                ssl.setSSLParameters(parameters);
                ssl.startHandshake();
                if (!alpn.equals(ssl.getApplicationProtocol())) {
                    throw new IOException("ALPN chose '" + ssl.getApplicationProtocol() + "', not " + alpn);
                }
                socket = ssl;
            }
            socket.getOutputStream().write(request);
            // One response on a fresh connection: whatever the buffer reads past it is never used.
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1024);
            if (h2) {
                Http2Request.readResponse(in, socket.getOutputStream());
            } else {
                readResponse(in);
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static javax.net.ssl.SSLSocketFactory trustingAll() throws java.security.GeneralSecurityException {
        javax.net.ssl.TrustManager trustAll = new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String type) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String type) {
                // a measurement client: the servers run with throw-away self-signed certificates
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {trustAll}, null);
        return context.getSocketFactory();
    }

    /** The HTTP/2 side: a preface, SETTINGS and one GET; then frames read until the response ends. */
    private static final class Http2Request {
        static byte[] bytes(String path, boolean tls) {
            byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] p = path.getBytes(StandardCharsets.US_ASCII);
            // HPACK: :method GET (2), :scheme (6 http / 7 https), :authority "x" and :path literal, not indexed.
            byte[] block = new byte[4 + 2 + 2 + p.length + 1];
            int at = 0;
            block[at++] = (byte) 0x82;
            block[at++] = (byte) (tls ? 0x87 : 0x86);
            block[at++] = 0x01;
            block[at++] = 1;
            block[at++] = 'x';
            block[at++] = 0x04;
            block[at++] = (byte) p.length;
            System.arraycopy(p, 0, block, at, p.length);
            at += p.length;
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.writeBytes(preface);
            out.writeBytes(frame(0x4, 0, 0, new byte[0]));
            out.writeBytes(frame(0x1, 0x5, 1, java.util.Arrays.copyOf(block, at)));
            return out.toByteArray();
        }

        static byte[] frame(int type, int flags, int stream, byte[] payload) {
            byte[] f = new byte[9 + payload.length];
            f[0] = (byte) (payload.length >>> 16);
            f[1] = (byte) (payload.length >>> 8);
            f[2] = (byte) payload.length;
            f[3] = (byte) type;
            f[4] = (byte) flags;
            f[8] = (byte) stream;
            System.arraycopy(payload, 0, f, 9, payload.length);
            return f;
        }

        static void readResponse(InputStream in, OutputStream out) throws IOException {
            java.io.DataInputStream data = new java.io.DataInputStream(in);
            while (true) {
                int length = data.readUnsignedByte() << 16 | data.readUnsignedByte() << 8 | data.readUnsignedByte();
                int type = data.readUnsignedByte();
                int flags = data.readUnsignedByte();
                int stream = data.readInt() & 0x7FFF_FFFF;
                data.skipNBytes(length);
                if (type == 0x4 && (flags & 1) == 0) {
                    out.write(frame(0x4, 1, 0, new byte[0])); // acknowledge the server's SETTINGS
                } else if (type == 0x7 || type == 0x3) {
                    throw new IOException("the server ended the stream or connection (frame type " + type + ")");
                } else if (stream == 1 && (type == 0x0 || type == 0x1) && (flags & 1) != 0) {
                    return; // END_STREAM
                }
            }
        }
    }

    /** Reads one response with a Content-Length or chunked body; fails on anything but 2xx. */
    private static void readResponse(InputStream in) throws IOException {
        byte[] head = new byte[MAX_HEAD];
        int n = 0;
        int end = -1;
        while (end < 0) {
            if (n == head.length) {
                throw new IOException("response head over " + MAX_HEAD + " bytes");
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + n + " bytes of the response head");
            }
            head[n++] = (byte) b;
            if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n') {
                end = n;
            }
        }
        String text = new String(head, 0, end, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.1 2")) {
            throw new IOException("not a 2xx: " + text.lines().findFirst().orElse(""));
        }
        long length = -1;
        boolean chunked = false;
        for (String line : text.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.toLowerCase().contains("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                throw new IOException("server answered Connection: close");
            }
        }
        if (chunked) {
            skipChunked(in);
        } else if (length >= 0) {
            skip(in, length);
        } else {
            throw new IOException("response without Content-Length or chunked body");
        }
    }

    private static void skipChunked(InputStream in) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailer fields
                }
                return;
            }
            skip(in, size);
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed inside a chunked body");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static void skip(InputStream in, long count) throws IOException {
        in.skipNBytes(count);
    }

    private static void awaitStdinClosed(long holdSeconds) throws InterruptedException {
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try {
                System.in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // a broken stdin counts as closed
            }
        });
        reader.join(TimeUnit.SECONDS.toMillis(holdSeconds));
    }
}
