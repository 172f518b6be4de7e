package io.shockwave.transport.quic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.log.BaseLogger;

import java.nio.ByteBuffer;

/**
 * Kwik's log, through SLF4J under the name {@code tech.kwik}. Quiet by default: Kwik's
 * info, warnings and plain error messages are about single connections and packets (a
 * packet that cannot be decrypted, an unknown connection id), which any client can cause,
 * so they go to debug. An error with an exception is a failure inside Kwik: warn, with
 * the stack trace at debug. Packet, frame and byte dumps stay off.
 */
final class KwikLog extends BaseLogger {
    private static final Logger LOG = LoggerFactory.getLogger("tech.kwik");

    KwikLog() {
        logDebug(LOG.isDebugEnabled());
        logInfo(LOG.isDebugEnabled());
        logWarning(LOG.isDebugEnabled());
        if (LOG.isTraceEnabled()) {
            // Everything Kwik can say about packets, loss recovery, congestion and flow control.
            logPackets(true);
            logRecovery(true);
            logCongestionControl(true);
            logFlowControl(true);
            logStream(true);
        }
    }

    @Override
    public void error(String message) {
        LOG.debug("QUIC: {}", message);
    }

    @Override
    public void error(String message, Throwable error) {
        LOG.warn("QUIC: {}: {}", message, String.valueOf(error));
        LOG.debug("QUIC error", error);
    }

    @Override
    protected void log(String message) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(message);
        }
    }

    @Override
    protected void log(String message, Throwable ex) {
        LOG.debug(message, ex);
    }

    @Override
    protected void logWithHexDump(String message, byte[] data, int length) {
        LOG.trace(message);
    }

    @Override
    protected void logWithHexDump(String message, ByteBuffer data, int offset, int length) {
        LOG.trace(message);
    }
}
