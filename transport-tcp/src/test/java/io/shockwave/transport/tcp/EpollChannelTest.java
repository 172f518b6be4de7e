package io.shockwave.transport.tcp;

import io.shockwave.runtime.spi.ConnectionChannel.IdleWake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.shockwave.transport.tcp.EpollFixture.PARKED_LONG_ENOUGH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The epoll transport on real loopback sockets, driven directly: readiness, suspension,
 * expiry, a close from another thread, a client's half-close, a reader and a writer
 * waiting at once, and a poller that fails.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EpollChannelTest {
    private static final long FAR_FUTURE = TimeUnit.HOURS.toNanos(1);
    private static EpollFixture fixture;
    private final EpollPoller poller = shared();

    @BeforeAll
    static void open() throws IOException {
        fixture = new EpollFixture();
    }

    @AfterAll
    static void close() throws Exception {
        fixture.close();
    }

    private static EpollPoller shared() {
        try {
            return EpollPoller.shared();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs {@code task} on a virtual thread, as a connection's engine would. */
    private static <T> Running<T> start(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return new Running<>(t, result);
    }

    interface Callable<T> {
        T call() throws Exception;
    }

    record Running<T>(Thread thread, CompletableFuture<T> result) {
        /** Waits until the thread is parked: what it waits for has not come yet. */
        Running<T> parked() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (thread.getState() != Thread.State.WAITING) {
                assertFalse(result.isDone(), () -> "ended instead of waiting: " + result);
                assertTrue(System.nanoTime() < deadline, "never parked");
                Thread.onSpinWait();
            }
            return this;
        }

        T get() throws Exception {
            return result.get(10, TimeUnit.SECONDS);
        }

        Throwable failure() throws Exception {
            ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
            return e.getCause();
        }
    }

    /** A resume that reads what has arrived, and hands the count (or the failure) to {@code result}. */
    private static Runnable readAvailableInto(EpollChannel ch, byte[] buf, CompletableFuture<Integer> result) {
        return () -> {
            try {
                result.complete(ch.readAvailable(buf, 0, buf.length));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        };
    }

    private static String text(byte[] buf, int n) {
        return new String(buf, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void aParkedReadReturnsTheBytesOnceTheyArrive() throws Exception {
        try (EpollFixture.Pair p = fixture.connect(poller)) {
            byte[] buf = new byte[64];
            Running<String> read = start(() -> text(buf, p.server().read(buf, 0, buf.length))).parked();
            p.send("hello");
            assertEquals("hello", read.get());
        }
    }

    @Test
    void anIdleConnectionSuspendsWithoutAThreadAndIsResumedOnANewOneWhenBytesArrive() throws Exception {
        try (EpollFixture.Pair p = fixture.connect(poller)) {
            EpollChannel ch = p.server();
            long suspendedBefore = fixture.context.stats().connectionsSuspended();
            CompletableFuture<Integer> resumed = new CompletableFuture<>();
            byte[] buf = new byte[64];
            Runnable resume = readAvailableInto(ch, buf, resumed);
            assertTrue(ch.beginIdle());
            Running<IdleWake> idle = start(ch::awaitReadable).parked();
            ch.checkDeadlines(System.nanoTime() + PARKED_LONG_ENOUGH); // the watchdog: parked long enough
            assertEquals(IdleWake.SUSPEND, idle.get());

            ch.suspend(resume);
            assertTrue(ch.suspending());
            assertNull(ch.letGo(), "nothing woke it: it waits without a thread");
            assertEquals(suspendedBefore + 1, fixture.context.stats().connectionsSuspended());
            assertFalse(resumed.isDone());

            p.send("next request");
            assertEquals("next request", text(buf, resumed.get(10, TimeUnit.SECONDS)));
            // The runner finished the connection once the resume returned without suspending again.
            assertEquals(-1, p.client().getInputStream().read(), "closed by the runner");
            assertEquals(suspendedBefore, fixture.context.stats().connectionsSuspended());
        }
    }

    @Test
    void bytesArrivingWhileTheConnectionSuspendsAreNotLost() throws Exception {
        try (EpollFixture.Pair p = fixture.connect(poller)) {
            EpollChannel ch = p.server();
            CompletableFuture<Integer> resumed = new CompletableFuture<>();
            byte[] buf = new byte[64];
            assertTrue(ch.beginIdle());
            ch.suspend(readAvailableInto(ch, buf, resumed));
            p.send("early"); // before the wait is armed: arming reports it
            Runnable inline = ch.letGo();
            if (inline != null) {
                inline.run(); // woken while suspending: this thread carries on
            }
            assertEquals("early", text(buf, resumed.get(10, TimeUnit.SECONDS)));
        }
    }

    @Test
    void anExpiredReadThrowsATimeoutAndSoDoesEveryReadAfter() throws Exception {
        try (EpollFixture.Pair p = fixture.connect(poller)) {
            EpollChannel ch = p.server();
            ch.readTimeout(60_000);
            byte[] buf = new byte[64];
            Running<Integer> read = start(() -> ch.read(buf, 0, buf.length)).parked();
            ch.checkDeadlines(System.nanoTime() + FAR_FUTURE);
            assertInstanceOf(SocketTimeoutException.class, read.failure());
            p.send("late");
            assertThrows(SocketTimeoutException.class, () -> ch.read(buf, 0, buf.length));
            assertTrue(ch.isOpen(), "an expired read leaves the closing to the engine: it may answer 408");
        }
    }

    @Test
    void aSuspendedConnectionWhoseIdleTimeoutPassesIsResumedToFindOut() throws Exception {
        try (EpollFixture.Pair p = fixture.connect(poller)) {
            EpollChannel ch = p.server();
            ch.readTimeout(60_000);
            CompletableFuture<Throwable> resumed = new CompletableFuture<>();
            byte[] buf = new byte[64];
            assertTrue(ch.beginIdle());
            ch.suspend(() -> resumed.complete(assertThrows(IOException.class, () -> ch.readAvailable(buf, 0, 64))));
            assertNull(ch.letGo());
            ch.checkDeadlines(System.nanoTime() + FAR_FUTURE);
            assertInstanceOf(SocketTimeoutException.class, resumed.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aCloseFromAnotherThreadEndsAParkedReadAndAParkedWrite() throws Exception {
        try (EpollFixture.Pair p = fixture.connect(poller)) {
            EpollChannel ch = p.server();
            byte[] in = new byte[64];
            byte[] out = new byte[16 << 20]; // more than the socket buffers hold: the writer parks
            Running<Integer> read = start(() -> ch.read(in, 0, in.length)).parked();
            Running<Void> write = EpollChannelTest.<Void>start(() -> {
                ch.write(out, 0, out.length);
                return null;
            }).parked();
            ch.close();
            assertInstanceOf(IOException.class, read.failure());
            assertInstanceOf(IOException.class, write.failure());
            assertFalse(ch.isOpen());
        }
    }

    @Test
    void aClientThatShutsItsOutputWakesAParkedReaderWithEndOfStream() throws Exception {
        try (EpollFixture.Pair p = fixture.connect(poller)) {
            byte[] buf = new byte[64];
            Running<Integer> read = start(() -> p.server().read(buf, 0, buf.length)).parked();
            p.client().shutdownOutput(); // a FIN: the socket reads end of stream (EPOLLRDHUP, EPOLLIN)
            assertEquals(-1, read.get());
        }
    }

    @Test
    void aClientThatShutsItsOutputResumesASuspendedConnection() throws Exception {
        try (EpollFixture.Pair p = fixture.connect(poller)) {
            EpollChannel ch = p.server();
            CompletableFuture<Integer> resumed = new CompletableFuture<>();
            byte[] buf = new byte[64];
            assertTrue(ch.beginIdle());
            ch.suspend(readAvailableInto(ch, buf, resumed));
            assertNull(ch.letGo());
            p.client().shutdownOutput();
            assertEquals(-1, resumed.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aReaderAndAWriterWaitAtOnceAndEachIsWokenForItsOwnEvent() throws Exception {
        try (EpollFixture.Pair p = fixture.connect(poller)) {
            EpollChannel ch = p.server();
            byte[] out = new byte[16 << 20];
            Running<Void> write = EpollChannelTest.<Void>start(() -> {
                ch.write(out, 0, out.length);
                return null;
            }).parked();
            byte[] in = new byte[64];
            Running<String> read = start(() -> text(in, ch.read(in, 0, in.length))).parked();

            p.send("ping"); // readable, still no room to write
            assertEquals("ping", read.get());
            assertFalse(write.result().isDone(), "the writer still waits for room");

            InputStream client = p.client().getInputStream();
            byte[] sink = new byte[64 * 1024];
            long received = 0;
            while (received < out.length) {
                int n = client.read(sink);
                assertTrue(n > 0, "the whole response arrives");
                received += n;
            }
            assertNull(write.get());
            assertEquals(out.length, received);
        }
    }

    @Test
    void aPollerThatFailsClosesEveryConnectionAndRefusesNewOnes() throws Exception {
        EpollPoller own = new EpollPoller();
        try (EpollFixture.Pair p = fixture.connect(own)) {
            byte[] buf = new byte[64];
            Running<Integer> read = start(() -> p.server().read(buf, 0, buf.length)).parked();
            own.failForTest(5); // EIO
            assertTrue(own.hasFailed());
            Throwable readFailure;
            try {
                assertEquals(-1, read.get()); // closed: the socket reads end of stream...
                readFailure = null;
            } catch (ExecutionException e) {
                readFailure = e.getCause(); // ...or the read fails: either way it does not hang
            }
            assertTrue(readFailure == null || readFailure instanceof IOException, String.valueOf(readFailure));
            assertFalse(p.server().isOpen());
            assertEquals(-1, p.client().getInputStream().read(), "the client sees the connection end");
            assertThrows(IOException.class, () -> fixture.connect(own), "a failed poller refuses new connections");
        }
    }
}
