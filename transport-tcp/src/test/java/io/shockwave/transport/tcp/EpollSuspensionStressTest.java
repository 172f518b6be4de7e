package io.shockwave.transport.tcp;

import io.shockwave.runtime.spi.ConnectionChannel.IdleWake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.shockwave.transport.tcp.EpollFixture.PARKED_LONG_ENOUGH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Suspension through the real poller, hammered: a client sends a numbered byte stream in
 * random pieces at random moments while a watchdog thread keeps telling the parked
 * connection to suspend, so it suspends and resumes over and over, racing the bytes; at
 * the end the server closes it. Every byte must arrive, in order (a lost wake-up stalls
 * the stream, two threads reading at once reorder it), with never two threads serving.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EpollSuspensionStressTest {
    private static final int CONNECTIONS = 1000;
    private static final AtomicInteger SUSPENSIONS = new AtomicInteger();
    private static final int PIECES = 40;
    private static EpollFixture fixture;

    @BeforeAll
    static void open() throws IOException {
        fixture = new EpollFixture();
    }

    @AfterAll
    static void close() throws Exception {
        fixture.close();
    }

    @Test
    void suspendingAndResumingRacingArrivingBytesLosesNothingAndNeverRunsTwice() throws Exception {
        EpollPoller poller = EpollPoller.shared();
        for (int i = 0; i < CONNECTIONS; i++) {
            try (EpollFixture.Pair p = fixture.connect(poller)) {
                int[] pieces = pieces();
                Engine engine = new Engine(p.server(), java.util.Arrays.stream(pieces).sum());
                Thread watchdog = Thread.ofPlatform().start(() -> {
                    while (engine.ended.getCount() > 0) {
                        p.server().checkDeadlines(System.nanoTime() + PARKED_LONG_ENOUGH);
                        pause();
                    }
                });
                engine.start();
                send(p.client().getOutputStream(), pieces);
                assertTrue(engine.complete.await(20, TimeUnit.SECONDS),
                        "connection " + i + ": a wake-up was lost: " + engine.received + " of " + engine.expected + " bytes");
                assertNull(engine.violation, "connection " + i);
                if (ThreadLocalRandom.current().nextBoolean()) {
                    p.server().closeGracefully();
                } else {
                    p.server().close();
                }
                assertTrue(engine.ended.await(20, TimeUnit.SECONDS), "connection " + i + " never ended");
                watchdog.join();
                assertNull(engine.violation, "connection " + i);
                assertEquals(0, engine.serving.get());
            }
        }
        // Each connection must have raced suspension many times for the test to mean anything.
        assertTrue(SUSPENSIONS.get() > 5 * CONNECTIONS, "only " + SUSPENSIONS + " suspensions");
    }

    private static int[] pieces() {
        int[] pieces = new int[PIECES];
        for (int k = 0; k < PIECES; k++) {
            pieces[k] = 1 + ThreadLocalRandom.current().nextInt(200);
        }
        return pieces;
    }

    /** Sends bytes numbered 0, 1, 2... (mod 256) in the given pieces, with random pauses between. */
    private static void send(OutputStream out, int[] pieces) throws IOException {
        int next = 0;
        for (int n : pieces) {
            byte[] bytes = new byte[n];
            for (int k = 0; k < n; k++) {
                bytes[k] = (byte) next++;
            }
            out.write(bytes);
            out.flush();
            pause();
        }
    }

    private static void pause() {
        int spins = ThreadLocalRandom.current().nextInt(3000);
        if (spins < 300) {
            Thread.yield();
        } else {
            for (int s = 0; s < spins; s++) {
                Thread.onSpinWait();
            }
        }
    }

    /** The idle loop of an engine: read what came, else wait parked, suspend when told, end on a close. */
    private static final class Engine {
        final EpollChannel channel;
        final int expected;
        final AtomicInteger received = new AtomicInteger();
        final CountDownLatch complete = new CountDownLatch(1);
        final AtomicInteger serving = new AtomicInteger();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile String violation;
        private final Runnable resume = this::turn;
        private final byte[] buf = new byte[97];

        Engine(EpollChannel channel, int expected) {
            this.channel = channel;
            this.expected = expected;
        }

        void start() {
            channel.beginIdle();
            Thread.ofVirtual().start(() -> run(resume));
        }

        /** What the transport's runner does after the engine returns. */
        private void run(Runnable work) {
            while (true) {
                work.run();
                if (!channel.suspending()) {
                    return;
                }
                work = channel.letGo();
                if (work == null) {
                    return;
                }
            }
        }

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
                    check(n);
                    if (n == 0) {
                        IdleWake wake = channel.awaitReadable();
                        if (wake == IdleWake.SUSPEND) {
                            channel.suspend(resume);
                            SUSPENSIONS.incrementAndGet();
                            suspended = true;
                            return;
                        }
                        if (wake == IdleWake.CLOSE) {
                            break;
                        }
                    }
                }
            } catch (IOException e) {
                // closed by the test
            } finally {
                serving.decrementAndGet();
                if (!suspended) {
                    ended.countDown();
                }
            }
        }

        private void check(int n) {
            for (int k = 0; k < n; k++) {
                int want = received.getAndIncrement() & 0xff;
                if ((buf[k] & 0xff) != want && violation == null) {
                    violation = "byte " + (received.get() - 1) + " out of order: " + (buf[k] & 0xff) + " for " + want;
                }
            }
            if (received.get() == this.expected) {
                complete.countDown();
            }
        }
    }
}
