package io.shockwave.transport.quic;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Kwik 0.10.8 calls {@code System.exit(9)} when its receive loop gets an exception while
 * it is not closing: the socket handed to it must not throw while the server runs.
 */
class GuardedDatagramSocketTest {
    /** A socket whose receive fails {@code failures} times (as an ICMP error or a bug would) before it works. */
    private static final class Failing extends GuardedDatagramSocket {
        private int left;

        Failing(int failures) throws SocketException {
            super(new InetSocketAddress("127.0.0.1", 0));
            left = failures;
        }

        @Override
        void receiveNow(DatagramPacket p) throws IOException {
            if (left > 0) {
                left--;
                if (left % 2 == 0) {
                    throw new PortUnreachableException("ICMP port unreachable");
                }
                throw new IllegalStateException("a bug below the socket");
            }
            super.receiveNow(p);
        }
    }

    @Test
    void receiveSurvivesFailuresWhileOpen() throws Exception {
        try (Failing socket = new Failing(5); DatagramSocket sender = new DatagramSocket()) {
            byte[] hello = {1, 2, 3};
            sender.send(new DatagramPacket(hello, hello.length, socket.getLocalSocketAddress()));
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            socket.receive(p);
            assertEquals(3, p.getLength());
            assertEquals(5, socket.failures());
        }
    }

    @Test
    void receiveThrowsOnceClosed() throws Exception {
        Failing socket = new Failing(0);
        socket.close();
        assertThrows(SocketException.class, () -> socket.receive(new DatagramPacket(new byte[16], 16)));
    }
}
