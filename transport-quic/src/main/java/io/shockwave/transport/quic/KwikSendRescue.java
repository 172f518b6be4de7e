package io.shockwave.transport.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A workaround for a race in Kwik 0.10.8 that leaves a stream's bytes unsent for good.
 *
 * <p>{@code StreamOutputStreamImpl.scheduleSendStreamFrameRequest} reads a counter of queued
 * send requests, queues one if it is 0, and only then increments the counter. When Kwik's
 * sender thread runs that request in between, it decrements the counter to -1, sends one
 * frame, and, with bytes left, declines to queue the next request because the counter is
 * not 0. The writer then increments the counter back to 0. The bytes left wait for the next
 * write or close to queue a request. After the last one, or while the writer is blocked
 * on the full send buffer, they wait for ever. Measured on loopback:
 * - 17 of 150 downloads of 40 KB stalled at 4,839 bytes (the close's request was lost);
 * - 5 of 20 downloads of 300 KB stalled with the writer blocked.
 *
 * <p>{@link #rescue} looks at a Kwik stream's output. If it holds bytes (or its FIN) and no
 * request is queued, it queues one, as the lost one would have. This reads Kwik's private
 * fields, which only works where Kwik's package is open to us: always on the class path,
 * and on the module path only with {@code --add-opens
 * tech.kwik.core/tech.kwik.core.stream=io.shockwave.transport.quic}. Without that,
 * {@link #isAvailable()} is false and a lost request stays lost. (An empty write from
 * another thread would queue one too, but it can land between a stream's last bytes and
 * its FIN and make Kwik drop the FIN.)
 */
public final class KwikSendRescue {
    private static final Logger LOG = LoggerFactory.getLogger(KwikSendRescue.class);
    private static final Class<?> OUTPUT;
    private static final MethodHandle SEND_BUFFER;
    private static final MethodHandle HAS_DATA;
    private static final MethodHandle QUEUED;
    private static final MethodHandle SCHEDULE;

    static {
        Class<?> output = null;
        MethodHandle sendBuffer = null;
        MethodHandle hasData = null;
        MethodHandle queued = null;
        MethodHandle schedule = null;
        try {
            output = Class.forName("tech.kwik.core.stream.StreamOutputStreamImpl");
            Class<?> buffer = Class.forName("tech.kwik.core.stream.SendBuffer");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(output, MethodHandles.lookup());
            sendBuffer = l.findGetter(output, "sendBuffer", buffer);
            hasData = MethodHandles.publicLookup().findVirtual(buffer, "hasData", MethodType.methodType(boolean.class));
            queued = l.findGetter(output, "sendRequestsQueued", AtomicInteger.class);
            schedule = l.findVirtual(output, "scheduleSendStreamFrameRequest",
                    MethodType.methodType(void.class, boolean.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Kwik's stream internals are not reachable ({}): an HTTP/3 response can stall when Kwik loses a "
                    + "send request; add --add-opens tech.kwik.core/tech.kwik.core.stream=io.shockwave.transport.quic",
                    e.toString());
            output = null;
        }
        OUTPUT = output;
        SEND_BUFFER = sendBuffer;
        HAS_DATA = hasData;
        QUEUED = queued;
        SCHEDULE = schedule;
    }

    private KwikSendRescue() {
    }

    public static boolean isAvailable() {
        return OUTPUT != null;
    }

    /**
     * Whether {@code out}, a Kwik stream's output, still holds bytes or its FIN to send;
     * if no send request is queued for them, queues one. False once all was handed to
     * frames, and always when the rescue is not available.
     */
    public static boolean rescue(OutputStream out) {
        if (OUTPUT == null || !OUTPUT.isInstance(out)) {
            return false;
        }
        try {
            boolean pending = (boolean) HAS_DATA.invoke(SEND_BUFFER.invoke(out));
            if (pending && ((AtomicInteger) QUEUED.invoke(out)).get() == 0) {
                SCHEDULE.invoke(out, true);
            }
            return pending;
        } catch (Throwable t) {
            LOG.debug("Kwik send rescue failed: {}", t.toString());
            return false;
        }
    }
}
