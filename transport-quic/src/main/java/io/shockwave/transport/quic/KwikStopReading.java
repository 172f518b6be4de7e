package io.shockwave.transport.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicStream;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Stops reading a Kwik stream without losing the connection's receive window, which Kwik
 * 0.10.8 does.
 *
 * <p>Kwik counts every byte a peer sends on a stream against the connection's flow-control
 * window, and gives the window back as the application reads. {@code abortReading} discards
 * what was received and not yet read, and never gives it back (Kwik does so only when the
 * peer resets the stream). Each request body the server stops reading (a handler that did not
 * read it, a body timeout, an error) so shrinks the connection's window for good, by up to a
 * stream's window (256 KiB); after 4 MiB of them the client can send nothing more on the
 * connection, not even a request head, and every request on it stalls.
 *
 * <p>{@link #stop} aborts the read and then credits the connection with what was received
 * and not read; {@link Stopped#settle} credits what arrived afterwards, until Kwik forgets the
 * stream (when its output is closed too) and ignores whatever comes later. If the peer had
 * already reset the stream, Kwik credited it itself and nothing more is given. This reads and
 * calls Kwik's private members: always possible on the class path, and on the module path
 * only with {@code --add-opens tech.kwik.core/tech.kwik.core.stream=io.shockwave.transport.quic}
 * (the same as {@link KwikSendRescue}); without it, the stream is aborted as Kwik does it.
 */
public final class KwikStopReading {
    private static final Logger LOG = LoggerFactory.getLogger(KwikStopReading.class);
    private static final Class<?> STREAM;
    private static final MethodHandle INPUT;
    private static final MethodHandle RECEIVED;
    private static final MethodHandle CREDIT;
    private static final MethodHandle BUFFER;
    private static final MethodHandle READ_OFFSET;
    private static final MethodHandle PEER_RESET;

    static {
        Class<?> stream = null;
        MethodHandle input = null;
        MethodHandle received = null;
        MethodHandle credit = null;
        MethodHandle buffer = null;
        MethodHandle readOffset = null;
        MethodHandle peerReset = null;
        try {
            stream = Class.forName("tech.kwik.core.stream.QuicStreamImpl");
            Class<?> inputImpl = Class.forName("tech.kwik.core.stream.StreamInputStreamImpl");
            Class<?> inputType = Class.forName("tech.kwik.core.stream.StreamInputStream");
            Class<?> bufferType = Class.forName("tech.kwik.core.stream.ReceiveBuffer");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(stream, MethodHandles.lookup());
            input = l.findGetter(stream, "inputStream", inputType);
            received = l.findVirtual(stream, "getReceivedMaxOffset", MethodType.methodType(long.class));
            credit = l.findVirtual(stream, "updateConnectionFlowControl", MethodType.methodType(void.class, int.class));
            MethodHandles.Lookup in = MethodHandles.privateLookupIn(inputImpl, MethodHandles.lookup());
            buffer = in.findGetter(inputImpl, "receiveBuffer", bufferType);
            readOffset = in.findVirtual(bufferType, "readOffset", MethodType.methodType(long.class));
            peerReset = in.findGetter(inputImpl, "reset", boolean.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Kwik's stream internals are not reachable ({}): each request body the server stops reading "
                    + "will shrink its connection's receive window; add --add-opens "
                    + "tech.kwik.core/tech.kwik.core.stream=io.shockwave.transport.quic", e.toString());
            stream = null;
        }
        STREAM = stream;
        INPUT = input;
        RECEIVED = received;
        CREDIT = credit;
        BUFFER = buffer;
        READ_OFFSET = readOffset;
        PEER_RESET = peerReset;
    }

    private KwikStopReading() {
    }

    /** A stream whose reading was stopped, with what has been credited for it so far. */
    public static final class Stopped {
        private final QuicStream stream;
        private long creditedUpTo;

        private Stopped(QuicStream stream, long creditedUpTo) {
            this.stream = stream;
            this.creditedUpTo = creditedUpTo;
        }

        /** Credits the connection with what the peer sent on the stream since the last credit. */
        public synchronized void settle() {
            creditedUpTo = creditUpTo(stream, creditedUpTo);
        }
    }

    /**
     * {@code stream.abortReading(code)}, then the connection gets back the window of what was
     * received and not read. The result settles later arrivals; null when nothing is owed
     * or the workaround is not available.
     */
    public static Stopped stop(QuicStream stream, long code) {
        stream.abortReading(code);
        if (STREAM == null || !STREAM.isInstance(stream)) {
            return null;
        }
        try {
            Object input = INPUT.invoke(stream);
            if ((boolean) PEER_RESET.invoke(input)) {
                return null; // reset by the peer before the abort: Kwik credited it
            }
            long read = (long) READ_OFFSET.invoke(BUFFER.invoke(input));
            return new Stopped(stream, creditUpTo(stream, read));
        } catch (Throwable t) {
            LOG.debug("Kwik flow-control credit failed: {}", t.toString());
            return null;
        }
    }

    /** Credits what was received on {@code stream} beyond {@code from}; returns the new mark. */
    private static long creditUpTo(QuicStream stream, long from) {
        try {
            long received = (long) RECEIVED.invoke(stream);
            for (long owed = received - from; owed > 0; ) {
                int step = (int) Math.min(owed, Integer.MAX_VALUE);
                CREDIT.invoke(stream, step);
                owed -= step;
            }
            return Math.max(from, received);
        } catch (Throwable t) {
            LOG.debug("Kwik flow-control credit failed: {}", t.toString());
            return from;
        }
    }
}
