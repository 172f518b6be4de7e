package io.shockwave.transport.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The UDP socket handed to Kwik. Kwik 0.10.8 ends the whole JVM ({@code System.exit(9)})
 * when its receive loop sees an IOException or any other Throwable from {@code receive}
 * while it is not closing; a server must not die of one socket error (an ICMP error
 * surfacing as PortUnreachableException, a transient ENOBUFS, a bug). So while the socket
 * is open, {@link #receive} does not throw: it logs the failure once at debug and tries
 * again, pausing a little after each failure so that a socket failing for good cannot
 * spin. Once {@link #close} was called it throws as usual, which Kwik expects then.
 */
class GuardedDatagramSocket extends DatagramSocket {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedDatagramSocket.class);
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private volatile boolean closing;
    private long failures;

    GuardedDatagramSocket(SocketAddress bindAddress) throws SocketException {
        super(bindAddress);
    }

    @Override
    public void receive(DatagramPacket p) throws IOException {
        while (true) {
            try {
                receiveNow(p);
                return;
            } catch (IOException | RuntimeException e) {
                if (closing || isClosed()) {
                    throw e;
                }
                failures++;
                LOG.debug("UDP receive on {} failed ({} so far), receiving on: {}", getLocalSocketAddress(), failures,
                        e.toString());
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        }
    }

    /** The socket's own receive; a seam for the test that makes it fail. */
    void receiveNow(DatagramPacket p) throws IOException {
        super.receive(p);
    }

    /** Receive failures survived so far. */
    long failures() {
        return failures;
    }

    @Override
    public void close() {
        closing = true;
        super.close();
    }
}
