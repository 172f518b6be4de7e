package io.shockwave.transport.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.QuicConnection;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * Keeps clients from sending 0-RTT early data. Kwik 0.10.8 has no setting for it: its TLS
 * engine puts the largest early-data size into every session ticket, and accepts early
 * data from whoever resumes with one. Early data is replayable, and with Kwik the
 * application protocol is then started before the handshake completes (with streams it
 * cannot yet open): ngtcp2's client and Chromium saw their resumed connections fail.
 *
 * <p>{@link #refuse} runs as the connection's application protocol starts, which for a
 * connection without early data is inside the handshake's last step, just before Kwik
 * writes the session ticket: it clears the engine's early-data size, so the ticket offers
 * none and a client that resumes with it sends its requests after the handshake. Like
 * {@link KwikSendRescue} it reads Kwik's private state, so it works on the class path,
 * and on the module path only with {@code --add-opens
 * tech.kwik.core/tech.kwik.core.server.impl=io.shockwave.transport.quic} and {@code
 * --add-opens tech.kwik.agent15/tech.kwik.agent15.engine.impl=io.shockwave.transport.quic}.
 */
final class KwikEarlyData {
    private static final Logger LOG = LoggerFactory.getLogger(KwikEarlyData.class);
    private static final Class<?> CONNECTION;
    private static final MethodHandle ENGINE;
    private static final Class<?> ENGINE_IMPL;
    private static final MethodHandle SET_MAX_EARLY_DATA;

    static {
        Class<?> connection = null;
        MethodHandle engine = null;
        Class<?> engineImpl = null;
        MethodHandle setMax = null;
        try {
            connection = Class.forName("tech.kwik.core.server.impl.ServerConnectionImpl");
            Class<?> engineType = Class.forName("tech.kwik.agent15.engine.TlsServerEngine");
            engine = MethodHandles.privateLookupIn(connection, MethodHandles.lookup())
                    .findGetter(connection, "tlsEngine", engineType);
            engineImpl = Class.forName("tech.kwik.agent15.engine.impl.TlsServerEngineImpl");
            setMax = MethodHandles.privateLookupIn(engineImpl, MethodHandles.lookup())
                    .findSetter(engineImpl, "maxEarlyDataSize", Long.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Kwik's TLS internals are not reachable ({}): session tickets will offer 0-RTT early data",
                    e.toString());
            connection = null;
        }
        CONNECTION = connection;
        ENGINE = engine;
        ENGINE_IMPL = engineImpl;
        SET_MAX_EARLY_DATA = setMax;
    }

    private KwikEarlyData() {
    }

    /** Makes the session tickets of {@code connection} offer no early data; false if that is not possible. */
    static boolean refuse(QuicConnection connection) {
        if (CONNECTION == null || !CONNECTION.isInstance(connection)) {
            return false;
        }
        try {
            Object engine = ENGINE.invoke(connection);
            if (!ENGINE_IMPL.isInstance(engine)) {
                return false;
            }
            SET_MAX_EARLY_DATA.invoke(engine, (Long) null);
            return true;
        } catch (Throwable t) {
            LOG.debug("Could not refuse early data: {}", t.toString());
            return false;
        }
    }
}
