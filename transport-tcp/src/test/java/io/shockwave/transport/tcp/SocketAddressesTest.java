package io.shockwave.transport.tcp;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sockaddr layouts the kernel reads and writes: family in host order, port in network order. */
class SocketAddressesTest {
    @Test
    void encodesAnIpv4AddressAsSockaddrIn() throws UnknownHostException {
        byte[] s = SocketAddresses.encode(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0x1F90));
        assertEquals(16, s.length);
        assertEquals(Syscalls.AF_INET, (s[0] & 0xFF) | (s[1] & 0xFF) << 8, "little-endian family on the hosts we run on");
        assertEquals(0x1F, s[2] & 0xFF, "port high byte first");
        assertEquals(0x90, s[3] & 0xFF);
        assertEquals(127, s[4]);
        assertEquals(2, s[7]);
    }

    @Test
    void decodesWhatItEncodes() throws UnknownHostException {
        for (String host : new String[] {"127.0.0.1", "10.1.2.3", "::1", "fe80::1%1", "2001:db8::8"}) {
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(host), 65535);
            assertEquals(a, SocketAddresses.decode(SocketAddresses.encode(a)), host);
        }
    }
}
