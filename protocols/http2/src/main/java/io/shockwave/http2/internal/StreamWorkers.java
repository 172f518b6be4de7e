package io.shockwave.http2.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The virtual threads that run one connection's stream handlers. A worker that finishes
 * a stream parks until the reader hands it the next, so a busy connection starts no
 * thread per request; and a parked virtual thread that is unparked from another virtual
 * thread is queued on the same carrier, behind the ones unparked before it. The reader
 * relies on that order: it hands out a read's worth of requests, yields, and by the time
 * it runs again their handlers have answered, so their responses leave in one write.
 * (A freshly started virtual thread is queued elsewhere, with no such order.)
 *
 * <p>An idle connection lets its workers end ({@link #retire}), so it holds no thread.
 */
final class StreamWorkers {
    private static final ThreadFactory THREADS = Thread.ofVirtual().name("shockwave-h2-stream").factory();
    /** Handed to a parked worker to make it end. */
    private static final Http2Stream RETIRE = null;

    private final class Worker implements Runnable {
        private volatile Http2Stream task;
        private volatile boolean retired;
        private Thread thread;
        private Worker nextIdle;

        @Override
        public void run() {
            while (true) {
                Http2Stream s = task;
                if (s == RETIRE) {
                    if (retired) {
                        return;
                    }
                    LockSupport.park(this);
                    continue;
                }
                task = null;
                s.run();
                if (!idle(this)) {
                    return;
                }
            }
        }
    }

    private Worker idle;
    private int idleCount;
    /** False once retired, until the next stream: a handler finishing late then ends its thread. */
    private boolean keepIdle = true;
    private final int maxIdle;

    StreamWorkers(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** Runs {@code stream}'s handler on a parked worker, or on a new one. From the reader. */
    void start(Http2Stream stream) {
        Worker w;
        synchronized (this) {
            keepIdle = true;
            w = idle;
            if (w != null) {
                idle = w.nextIdle;
                w.nextIdle = null;
                idleCount--;
            }
        }
        if (w != null) {
            w.task = stream;
            LockSupport.unpark(w.thread);
            return;
        }
        w = new Worker();
        w.task = stream;
        w.thread = THREADS.newThread(w);
        w.thread.start();
    }

    /** A worker has finished its stream: it waits for the next, unless enough already wait. */
    private synchronized boolean idle(Worker w) {
        if (idleCount >= maxIdle || w.retired || !keepIdle) {
            return false;
        }
        w.nextIdle = idle;
        idle = w;
        idleCount++;
        return true;
    }

    /** Ends every parked worker: the connection is idle or closing. */
    void retire() {
        Worker w;
        synchronized (this) {
            w = idle;
            idle = null;
            idleCount = 0;
            keepIdle = false;
        }
        while (w != null) {
            Worker next = w.nextIdle;
            w.nextIdle = null;
            w.retired = true;
            LockSupport.unpark(w.thread);
            w = next;
        }
    }
}
