package io.shockwave.runtime;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters kept by the server, cheap enough to update on every request (striped
 * adders, no locks) and readable at any time.
 */
public final class ServerStats {
    /** Counters at zero; a server makes its own, read them through {@code Server.stats()}. */
    public ServerStats() {
    }

    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder connectionsRejected = new LongAdder();
    private final AtomicLong connectionsOpen = new AtomicLong();
    private final LongAdder connectionsSuspended = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder[] responsesByClass = {
        new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()
    };
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder errors = new LongAdder();
    /** Per multiplexed protocol: [0] HTTP/2, [1] HTTP/3. */
    private final LongAdder[] streamsOpen = {new LongAdder(), new LongAdder()};
    private final LongAdder[] resetsSent = {new LongAdder(), new LongAdder()};
    private final LongAdder[] resetsReceived = {new LongAdder(), new LongAdder()};
    private final LongAdder[] goAwaysSent = {new LongAdder(), new LongAdder()};
    private final LongAdder[] goAwaysReceived = {new LongAdder(), new LongAdder()};

    private static int slot(int httpVersion) {
        if (httpVersion != 2 && httpVersion != 3) {
            throw new IllegalArgumentException("streams are HTTP/2's and HTTP/3's, not HTTP/" + httpVersion + "'s");
        }
        return httpVersion - 2;
    }

    /** Request streams of HTTP/{@code httpVersion} (2 or 3) whose exchange is in progress. */
    public long streamsOpen(int httpVersion) {
        return streamsOpen[slot(httpVersion)].sum();
    }

    /** Streams the server reset (RST_STREAM, RESET_STREAM) on HTTP/{@code httpVersion}. */
    public long resetsSent(int httpVersion) {
        return resetsSent[slot(httpVersion)].sum();
    }

    /** Streams the client reset (or abandoned with its connection, on HTTP/3) on HTTP/{@code httpVersion}. */
    public long resetsReceived(int httpVersion) {
        return resetsReceived[slot(httpVersion)].sum();
    }

    public long goAwaysSent(int httpVersion) {
        return goAwaysSent[slot(httpVersion)].sum();
    }

    public long goAwaysReceived(int httpVersion) {
        return goAwaysReceived[slot(httpVersion)].sum();
    }

    public long connectionsAccepted() {
        return connectionsAccepted.sum();
    }

    /** Connections refused because {@link Limits#maxConnections()} was reached. */
    public long connectionsRejected() {
        return connectionsRejected.sum();
    }

    public long connectionsOpen() {
        return connectionsOpen.get();
    }

    /** Open connections idle without a thread, on transports that can suspend them. */
    public long connectionsSuspended() {
        return connectionsSuspended.sum();
    }

    public long requests() {
        return requests.sum();
    }

    /** Responses sent with a status of class {@code statusClass} (1 to 5). */
    public long responses(int statusClass) {
        return responsesByClass[statusClass - 1].sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Handler failures and protocol errors. */
    public long errors() {
        return errors.sum();
    }

    // ---- updates, for transports and protocol engines ----

    /** Counts an accepted connection; returns how many are open now. */
    public long connectionOpened() {
        connectionsAccepted.increment();
        return connectionsOpen.incrementAndGet();
    }

    public void connectionClosed() {
        connectionsOpen.decrementAndGet();
    }

    /** Counts a connection that suspended ({@code +1}) or resumed ({@code -1}). */
    public void connectionSuspended(int delta) {
        connectionsSuspended.add(delta);
    }

    public void connectionRejected() {
        connectionsRejected.increment();
    }

    public void request() {
        requests.increment();
    }

    public void response(int statusCode) {
        int c = statusCode / 100;
        if (c >= 1 && c <= 5) {
            responsesByClass[c - 1].increment();
        }
    }

    public void bytesIn(long n) {
        bytesIn.add(n);
    }

    public void bytesOut(long n) {
        bytesOut.add(n);
    }

    public void error() {
        errors.increment();
    }

    public void streamStarted(int httpVersion) {
        streamsOpen[slot(httpVersion)].increment();
    }

    public void streamEnded(int httpVersion) {
        streamsOpen[slot(httpVersion)].decrement();
    }

    public void resetSent(int httpVersion) {
        resetsSent[slot(httpVersion)].increment();
    }

    public void resetReceived(int httpVersion) {
        resetsReceived[slot(httpVersion)].increment();
    }

    public void goAwaySent(int httpVersion) {
        goAwaysSent[slot(httpVersion)].increment();
    }

    public void goAwayReceived(int httpVersion) {
        goAwaysReceived[slot(httpVersion)].increment();
    }

    @Override
    public String toString() {
        return "connections accepted=" + connectionsAccepted() + " open=" + connectionsOpen()
                + " suspended=" + connectionsSuspended()
                + " rejected=" + connectionsRejected() + ", requests=" + requests()
                + ", responses 1xx=" + responses(1) + " 2xx=" + responses(2) + " 3xx=" + responses(3)
                + " 4xx=" + responses(4) + " 5xx=" + responses(5)
                + ", bytes in=" + bytesIn() + " out=" + bytesOut() + ", errors=" + errors();
    }
}
