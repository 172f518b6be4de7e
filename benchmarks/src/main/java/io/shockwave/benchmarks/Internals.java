package io.shockwave.benchmarks;

import io.shockwave.http1.internal.Http1Connection;
import io.shockwave.http1.internal.Http1Response;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Handles on the package-private parts of the HTTP/1.1 engine that a response benchmark
 * needs: the connection's response and write buffer, and the per-exchange reset. The
 * benchmarks run on the class path, where every class is in the unnamed module, so a
 * private lookup is allowed; the handles are constants, so the JIT inlines them.
 */
final class Internals {
    private static final Class<?> OUTPUT_BUFFER;
    /** {@code (Http1Connection) -> Http1Response}, the connection's reused response. */
    static final MethodHandle RESPONSE;
    /** {@code (Http1Connection) -> Object}, the connection's {@code OutputBuffer}. */
    static final MethodHandle OUTPUT;
    /** {@code Http1Response.reset(headRequest, http10, keepAlive)}, run before each exchange. */
    static final MethodHandle RESET;
    /** {@code (Object out) -> int}, the bytes in the write buffer. */
    static final MethodHandle BUFFERED;
    /** {@code (Object out, int mark)}, drops the write buffer back to {@code mark}. */
    static final MethodHandle DISCARD;
    /** {@code (Object out)}, sends the write buffer to the channel. */
    static final MethodHandle FLUSH;

    static {
        try {
            MethodHandles.Lookup http1 = MethodHandles.privateLookupIn(Http1Connection.class, MethodHandles.lookup());
            OUTPUT_BUFFER = http1.findClass("io.shockwave.http1.internal.OutputBuffer");
            RESPONSE = http1.findGetter(Http1Connection.class, "response", Http1Response.class);
            OUTPUT = http1.findGetter(Http1Connection.class, "out", OUTPUT_BUFFER)
                    .asType(MethodType.methodType(Object.class, Http1Connection.class));
            RESET = http1.findVirtual(Http1Response.class, "reset",
                    MethodType.methodType(void.class, boolean.class, boolean.class, boolean.class));
            BUFFERED = http1.findVirtual(OUTPUT_BUFFER, "buffered", MethodType.methodType(int.class))
                    .asType(MethodType.methodType(int.class, Object.class));
            DISCARD = http1.findVirtual(OUTPUT_BUFFER, "discard", MethodType.methodType(void.class, int.class))
                    .asType(MethodType.methodType(void.class, Object.class, int.class));
            FLUSH = http1.findVirtual(OUTPUT_BUFFER, "flush", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Internals() {
    }
}
