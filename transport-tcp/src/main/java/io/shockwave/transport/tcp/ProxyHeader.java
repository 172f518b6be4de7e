package io.shockwave.transport.tcp;

import io.shockwave.runtime.spi.ConnectionChannel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the PROXY protocol header (HAProxy's, versions 1 and 2) that a load balancer sends
 * before anything else on a connection, naming the client it accepted it from. A listener
 * that expects it refuses a connection without a valid one: a client that could skip it
 * could pass for anyone. What follows the header is handed back to the channel.
 *
 * <p>Version 1 is one text line of at most 107 bytes ({@code PROXY TCP4 192.0.2.1
 * 198.51.100.1 56324 443\r\n}); version 2 a 16-byte binary header and up to
 * {@link #MAX_V2_BODY} bytes of addresses and TLVs (the TLVs are skipped). {@code UNKNOWN}
 * (v1) and {@code LOCAL} (v2, the balancer's own health checks) keep the peer's address.
 */
final class ProxyHeader {
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final int V1_MAX = 107;
    /** More than addresses and the TLVs a balancer sends (AWS, GCP and Azure send well under 256 bytes). */
    static final int MAX_V2_BODY = 1024;

    /** A header that is not one: the connection is closed. */
    static final class Malformed extends IOException {
        Malformed(String message) {
            super(message);
        }
    }

    private ProxyHeader() {
    }

    /**
     * Reads the header from {@code channel} and returns the client's address, or null when
     * the header says to keep the peer's ({@code UNKNOWN}, {@code LOCAL}). Reads what comes
     * after it too, and gives that back to the channel.
     */
    static InetSocketAddress read(ConnectionChannel channel, long timeoutNanos) throws IOException {
        byte[] buf = new byte[16 + MAX_V2_BODY];
        int have = 0;
        // One deadline for the whole header: a read's own timeout starts again with each
        // read, and a byte every few seconds would hold the connection for hours.
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new Malformed("no whole PROXY header in time");
            }
            channel.readTimeout((int) Math.max(1, left / 1_000_000));
            int n = channel.read(buf, have, Math.min(buf.length, have < 16 ? 16 : buf.length) - have);
            if (n < 0) {
                throw new java.io.EOFException("the connection ended inside the PROXY header");
            }
            have += n;
            if (matchesSoFar(buf, have, V2_SIGNATURE)) {
                if (have >= 16) {
                    int length = (buf[14] & 0xFF) << 8 | (buf[15] & 0xFF);
                    if (length > MAX_V2_BODY) {
                        throw new Malformed("a PROXY v2 header of " + length + " bytes");
                    }
                    if (have >= 16 + length) {
                        InetSocketAddress client = v2(buf, length);
                        channel.unread(Arrays.copyOfRange(buf, 16 + length, have), have - 16 - length);
                        return client;
                    }
                }
            } else if (matchesSoFar(buf, have, V1_PREFIX)) {
                int end = lineEnd(buf, have);
                if (end >= 0) {
                    InetSocketAddress client = v1(new String(buf, 0, end, StandardCharsets.US_ASCII));
                    channel.unread(Arrays.copyOfRange(buf, end + 2, have), have - end - 2);
                    return client;
                }
                if (have >= V1_MAX) {
                    throw new Malformed("a PROXY v1 line longer than " + V1_MAX + " bytes");
                }
            } else {
                throw new Malformed("no PROXY header");
            }
        }
    }

    /** Whether the first {@code have} bytes agree with {@code signature} (all of it, if they are longer). */
    private static boolean matchesSoFar(byte[] buf, int have, byte[] signature) {
        int n = Math.min(have, signature.length);
        return Arrays.equals(buf, 0, n, signature, 0, n);
    }

    private static int lineEnd(byte[] buf, int have) {
        for (int i = 0; i + 1 < Math.min(have, V1_MAX); i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static InetSocketAddress v1(String line) throws Malformed {
        String[] f = line.split(" ", -1);
        if (f.length >= 2 && f[1].equals("UNKNOWN")) {
            return null;
        }
        if (f.length != 6 || !(f[1].equals("TCP4") || f[1].equals("TCP6"))) {
            throw new Malformed("a malformed PROXY v1 line");
        }
        InetAddress source = literal(f[2], f[1].equals("TCP4") ? 4 : 16);
        literal(f[3], f[1].equals("TCP4") ? 4 : 16);
        int port = port(f[4]);
        port(f[5]);
        return new InetSocketAddress(source, port);
    }

    private static InetAddress literal(String s, int bytes) throws Malformed {
        try {
            InetAddress a = InetAddress.ofLiteral(s);
            // An IPv4-mapped IPv6 literal comes back as IPv4: TCP6 with one is still well-formed.
            if (bytes == 4 && a.getAddress().length != 4 || bytes == 16 && s.indexOf(':') < 0) {
                throw new Malformed("a PROXY v1 address of the wrong family: " + s);
            }
            return a;
        } catch (IllegalArgumentException e) {
            throw new Malformed("not an address in a PROXY v1 line: " + s);
        }
    }

    private static int port(String s) throws Malformed {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')
                || (s.length() > 1 && s.charAt(0) == '0')) {
            throw new Malformed("not a port in a PROXY v1 line: " + s);
        }
        int port = Integer.parseInt(s);
        if (port > 65535) {
            throw new Malformed("not a port in a PROXY v1 line: " + s);
        }
        return port;
    }

    private static InetSocketAddress v2(byte[] buf, int length) throws Malformed {
        int versionCommand = buf[12] & 0xFF;
        if (versionCommand >> 4 != 2) {
            throw new Malformed("a PROXY header of version " + (versionCommand >> 4));
        }
        int command = versionCommand & 0x0F;
        if (command == 0) {
            return null; // LOCAL: the balancer's own connection, its health check
        }
        if (command != 1) {
            throw new Malformed("a PROXY v2 command of " + command);
        }
        int family = buf[13] & 0xFF;
        try {
            return switch (family) {
                case 0x11, 0x12 -> { // TCP or UDP over IPv4
                    if (length < 12) {
                        throw new Malformed("a PROXY v2 IPv4 block of " + length + " bytes");
                    }
                    InetAddress source = InetAddress.getByAddress(Arrays.copyOfRange(buf, 16, 20));
                    yield new InetSocketAddress(source, (buf[24] & 0xFF) << 8 | (buf[25] & 0xFF));
                }
                case 0x21, 0x22 -> { // over IPv6
                    if (length < 36) {
                        throw new Malformed("a PROXY v2 IPv6 block of " + length + " bytes");
                    }
                    InetAddress source = InetAddress.getByAddress(Arrays.copyOfRange(buf, 16, 32));
                    yield new InetSocketAddress(source, (buf[48] & 0xFF) << 8 | (buf[49] & 0xFF));
                }
                case 0x00, 0x31, 0x32 -> null; // UNSPEC and AF_UNIX: keep the peer's, as the spec says
                default -> throw new Malformed("a PROXY v2 address family of " + family);
            };
        } catch (UnknownHostException e) {
            throw new Malformed("a PROXY v2 address of the wrong length");
        }
    }
}
