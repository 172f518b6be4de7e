package io.shockwave.runtime.spi;

import io.shockwave.runtime.ErrorHandler;
import io.shockwave.runtime.Handler;
import io.shockwave.runtime.Limits;
import io.shockwave.runtime.ServerStats;
import io.shockwave.runtime.Timeouts;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The suspension state machine of {@link ConnectionChannel} under races: a connection
 * suspends and resumes over and over while other threads deliver bytes (as the poller
 * does), make parked connections suspend and expire reads (as the watchdog does) and
 * close it (as a stopping server does). Each iteration checks that at most one thread
 * served the connection at any moment, that every byte sent was read (no wake-up lost),
 * and that the connection ended exactly once.
 */
class SuspensionRaceTest {
    private static final int ITERATIONS = 3_000;
    private static final int BYTES_PER_ITERATION = 20;
    private static final long FAR_FUTURE = TimeUnit.HOURS.toNanos(1);

    @Test
    void everyWakeUpIsServedByExactlyOneThreadAndNoneIsLost() throws Exception {
        for (int i = 0; i < ITERATIONS; i++) {
            Connection c = new Connection();
            c.start();
            Thread watchdog = Thread.ofPlatform().start(() -> {
                while (c.ends.get() == 0) {
                    c.channel.checkDeadlines(System.nanoTime() + 2 * ConnectionChannel.TICK_NANOS); // parked: suspend
                    pause();
                }
            });
            for (int b = 0; b < BYTES_PER_ITERATION; b++) {
                c.channel.arrive();
                pause();
            }
            c.awaitConsumed(BYTES_PER_ITERATION, i);
            if (ThreadLocalRandom.current().nextBoolean()) {
                c.channel.closeGracefully();
            } else {
                c.channel.close();
            }
            c.awaitEnd(i);
            watchdog.join();
        }
    }

    @Test
    void aCloseOrAnExpiryRacingSuspensionEndsTheConnectionExactlyOnce() throws Exception {
        for (int i = 0; i < ITERATIONS; i++) {
            Connection c = new Connection();
            c.channel.readTimeout(60_000);
            c.start();
            int endAfter = ThreadLocalRandom.current().nextInt(BYTES_PER_ITERATION);
            int how = ThreadLocalRandom.current().nextInt(3);
            Thread ender = Thread.ofPlatform().start(() -> {
                while (c.channel.sent.get() < endAfter) {
                    c.channel.checkDeadlines(System.nanoTime() + 2 * ConnectionChannel.TICK_NANOS);
                    pause();
                }
                switch (how) {
                    case 0 -> c.channel.close();
                    case 1 -> c.channel.closeGracefully();
                    default -> {
                        // The idle timeout passed; the watchdog looks every tick, as long as it takes.
                        while (c.ends.get() == 0) {
                            c.channel.checkDeadlines(System.nanoTime() + FAR_FUTURE);
                            pause();
                        }
                    }
                }
            });
            for (int b = 0; b < BYTES_PER_ITERATION; b++) {
                c.channel.arrive();
                pause();
            }
            ender.join();
            c.awaitEnd(i);
        }
    }

    private static void pause() {
        int spins = ThreadLocalRandom.current().nextInt(200);
        if (spins < 20) {
            Thread.yield();
        } else {
            for (int s = 0; s < spins; s++) {
                Thread.onSpinWait();
            }
        }
    }

    /** An engine like the HTTP/1.1 one, reduced to its idle loop, and a transport like the epoll one. */
    private static final class Connection {
        final RaceChannel channel = new RaceChannel(this);
        final AtomicInteger serving = new AtomicInteger();
        final AtomicLong consumed = new AtomicLong();
        final AtomicInteger ends = new AtomicInteger();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile String violation;
        private final Runnable resume = this::turn;
        private final byte[] buf = new byte[64];

        void start() {
            channel.beginIdle();
            Thread.ofVirtual().start(() -> run(resume));
        }

        /** What a transport's runner does: serve, then let go or resume inline. */
        void run(Runnable work) {
            while (true) {
                work.run();
                if (!channel.isSuspending()) {
                    return;
                }
                work = channel.completeSuspension();
                if (work == null) {
                    return;
                }
            }
        }

        /** One turn of the engine: read what came, wait idle, suspend or end. */
        private void turn() {
            if (serving.incrementAndGet() != 1) {
                violation = "two threads served the connection at once";
            }
            boolean suspended = false;
            try {
                while (true) {
                    int n = channel.readAvailable(buf, 0, buf.length);
                    if (n < 0) {
                        break;
                    }
                    if (n > 0) {
                        consumed.addAndGet(n);
                        channel.beginExchange();
                        if (!channel.beginIdle()) {
                            break;
                        }
                        continue;
                    }
                    ConnectionChannel.IdleWake wake = channel.awaitReadable();
                    if (wake == ConnectionChannel.IdleWake.SUSPEND) {
                        channel.suspend(resume);
                        suspended = true;
                        return;
                    }
                    if (wake == ConnectionChannel.IdleWake.CLOSE) {
                        consumed.addAndGet(Math.max(0, channel.readAvailable(buf, 0, buf.length)));
                        break;
                    }
                }
            } catch (IOException e) {
                // the read expired
            } finally {
                serving.decrementAndGet();
                if (!suspended) {
                    ends.incrementAndGet();
                    ended.countDown();
                }
            }
        }

        void awaitConsumed(long bytes, int iteration) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (consumed.get() < bytes) {
                if (System.nanoTime() - deadline > 0) {
                    fail("iteration " + iteration + ": a wake-up was lost: read " + consumed.get() + " of " + bytes
                            + " bytes, " + channel);
                }
                Thread.onSpinWait();
                Thread.yield();
            }
            assertNull(violation, "iteration " + iteration);
        }

        void awaitEnd(int iteration) throws InterruptedException {
            assertTrue(ended.await(20, TimeUnit.SECONDS), "iteration " + iteration + ": the connection never ended");
            assertNull(violation, "iteration " + iteration);
            // Nothing may resume it after it ended: give a stray resume the chance to show.
            Thread.yield();
            assertEquals(1, ends.get(), "iteration " + iteration + ": ended more than once");
            assertEquals(0, serving.get(), "iteration " + iteration);
        }
    }

    /** Bytes are a counter; arming for input reports bytes already there, as level-triggered epoll does. */
    private static final class RaceChannel extends ConnectionChannel {
        final AtomicInteger arrived = new AtomicInteger();
        final AtomicInteger sent = new AtomicInteger();
        private final Connection connection;
        private volatile Thread reader;

        RaceChannel(Connection connection) {
            super(new Context());
            this.connection = connection;
        }

        /** The client sends a byte, and the poller reports it. */
        void arrive() {
            arrived.incrementAndGet();
            sent.incrementAndGet();
            wake();
        }

        @Override
        protected int readAvailableNow(byte[] buf, int off, int len) {
            return isOpen() ? arrived.getAndSet(0) : -1;
        }

        @Override
        protected void awaitReadableNow() {
            reader = Thread.currentThread();
            while (arrived.get() == 0 && !readWaitEnded(true)) {
                LockSupport.park(this);
            }
            reader = null;
        }

        @Override
        protected void wakeReader() {
            Thread t = reader;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        @Override
        protected boolean armForResume() {
            if (arrived.get() > 0) {
                // Readiness already there is reported at once: by this thread or by the poller's.
                if (ThreadLocalRandom.current().nextBoolean()) {
                    wake();
                } else {
                    Thread.ofVirtual().start(this::wake);
                }
            }
            return true;
        }

        @Override
        protected void startResume(Runnable resume) {
            Thread.ofVirtual().start(() -> connection.run(resume));
        }

        @Override
        protected int readNow(byte[] buf, int off, int len) {
            throw new UnsupportedOperationException("the engine here only reads what is available");
        }

        @Override
        protected void writeNow(byte[] buf, int off, int len) {
        }

        @Override
        protected void shutdownOutputNow() {
        }

        @Override
        protected void closeTransport() {
        }

        @Override
        public boolean canSuspend() {
            return true;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 1);
        }

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress("127.0.0.1", 2);
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public String toString() {
            return "arrived=" + arrived.get() + " sent=" + sent.get() + " open=" + isOpen();
        }
    }

    private static final class Context implements ServerContext {
        private final ServerStats stats = new ServerStats();

        @Override
        public Handler handler() {
            return (req, res) -> { };
        }

        @Override
        public ErrorHandler errorHandler() {
            return (req, res, failure) -> { };
        }

        @Override
        public Limits limits() {
            return Limits.DEFAULT;
        }

        @Override
        public Timeouts timeouts() {
            return Timeouts.DEFAULT;
        }

        @Override
        public ServerStats stats() {
            return stats;
        }

        @Override
        public List<ProtocolProvider> protocols() {
            return List.of();
        }

        @Override
        public byte[] serverHeader() {
            return null;
        }

        @Override
        public void register(io.shockwave.runtime.spi.ServerConnection channel) {
        }

        @Override
        public void unregister(io.shockwave.runtime.spi.ServerConnection channel) {
        }
    }
}
