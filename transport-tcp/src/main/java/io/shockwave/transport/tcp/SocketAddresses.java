package io.shockwave.transport.tcp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/** {@code struct sockaddr_in} and {@code sockaddr_in6}, to and from {@link InetSocketAddress}. */
final class SocketAddresses {
    /** Room for either family. */
    static final int MAX_SIZE = 28;
    private static final ValueLayout.OfShort FAMILY = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SocketAddresses() {
    }

    /** The sockaddr for {@code address}, on the heap: pass it only to critical calls, or copy it. */
    static byte[] encode(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        byte[] raw = ip.getAddress();
        byte[] out = new byte[ip instanceof Inet4Address ? 16 : 28];
        MemorySegment s = MemorySegment.ofArray(out);
        s.set(FAMILY, 0, (short) (ip instanceof Inet4Address ? Syscalls.AF_INET : Syscalls.AF_INET6));
        s.set(PORT, 2, (short) address.getPort());
        if (ip instanceof Inet6Address v6) {
            System.arraycopy(raw, 0, out, 8, 16);
            s.set(ValueLayout.JAVA_INT_UNALIGNED, 24, v6.getScopeId());
        } else {
            System.arraycopy(raw, 0, out, 4, 4);
        }
        return out;
    }

    /** The address in {@code sockaddr}, as accept and getsockname wrote it. */
    static InetSocketAddress decode(byte[] sockaddr) {
        MemorySegment s = MemorySegment.ofArray(sockaddr);
        int port = Short.toUnsignedInt(s.get(PORT, 2));
        try {
            if (s.get(FAMILY, 0) == Syscalls.AF_INET6) {
                byte[] ip = java.util.Arrays.copyOfRange(sockaddr, 8, 24);
                int scope = s.get(ValueLayout.JAVA_INT_UNALIGNED, 24);
                InetAddress a = scope == 0 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, scope);
                return new InetSocketAddress(a, port);
            }
            return new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOfRange(sockaddr, 4, 8)), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address", e); // cannot happen: the lengths are right
        }
    }
}
