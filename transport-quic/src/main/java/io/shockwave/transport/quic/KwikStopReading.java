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
 * <p>{@link #stop} aborts the read and notes how far it had read; {@link Stopped#settle}, at
 * the end of the exchange (and again later, while the stream's response is still leaving),
 * credits the connection with everything Kwik charged it for the stream beyond that: what
 * was received and dropped, and, when the peer answers with RESET_STREAM, the rest up to the
 * stream's final size, which Kwik charges too. Once Kwik forgets the stream (its output is
 * closed as well) it charges nothing more. If the peer had reset the stream before the abort,
 * Kwik credited it itself and nothing is given: the mark of that ({@code reset}) is read at
 * settling, when a reset racing the abort has long set it. This reads and
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
    private static final MethodHandle FINAL_SIZE;

    static {
        Class<?> stream = null;
        MethodHandle input = null;
        MethodHandle received = null;
        MethodHandle credit = null;
        MethodHandle buffer = null;
        MethodHandle readOffset = null;
        MethodHandle peerReset = null;
        MethodHandle finalSize = null;
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
            finalSize = in.findGetter(inputImpl, "finalSize", long.class);
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
        FINAL_SIZE = finalSize;
    }

    private KwikStopReading() {
    }

    /** A stream whose reading was stopped, with how far the connection has been credited for it. */
    public static final class Stopped {
        private final QuicStream stream;
        private final Object input;
        private long creditedUpTo;

        private Stopped(QuicStream stream, Object input, long readOffset) {
            this.stream = stream;
            this.input = input;
            this.creditedUpTo = readOffset;
        }

        /**
         * Credits the connection with what Kwik charged it for this stream and nobody read:
         * up to the larger of the highest offset received and the final size a reset gave.
         * Repeating it credits only what is new.
         */
        public synchronized void settle() {
            try {
                if ((boolean) PEER_RESET.invoke(input)) {
                    return; // reset before the abort: Kwik credited the stream itself
                }
                long charged = Math.max((long) RECEIVED.invoke(stream), (long) FINAL_SIZE.invoke(input));
                for (long owed = charged - creditedUpTo; owed > 0; ) {
                    int step = (int) Math.min(owed, Integer.MAX_VALUE);
                    CREDIT.invoke(stream, step);
                    owed -= step;
                    creditedUpTo += step;
                }
            } catch (Throwable t) {
                LOG.debug("Kwik flow-control credit failed: {}", t.toString());
            }
        }
    }

    /** Stops reading a stream that Kwik forgets at once (unidirectional, or reset both ways) and settles it. */
    public static void stopAndSettle(QuicStream stream, long code) {
        Stopped stopped = stop(stream, code);
        if (stopped != null) {
            stopped.settle();
        }
    }

    /**
     * {@code stream.abortReading(code)}, noting how far the stream was read; the result
     * credits the connection when settled. Null when the workaround is not available.
     */
    public static Stopped stop(QuicStream stream, long code) {
        stream.abortReading(code);
        if (STREAM == null || !STREAM.isInstance(stream)) {
            return null;
        }
        try {
            Object input = INPUT.invoke(stream);
            return new Stopped(stream, input, (long) READ_OFFSET.invoke(BUFFER.invoke(input)));
        } catch (Throwable t) {
            LOG.debug("Kwik flow-control credit failed: {}", t.toString());
            return null;
        }
    }
}
