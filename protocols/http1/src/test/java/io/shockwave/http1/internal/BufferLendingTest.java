package io.shockwave.http1.internal;

import io.shockwave.runtime.ServerStats;
import io.shockwave.runtime.spi.BufferPool;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Idle connections hold no pooled I/O buffer; busy ones borrow one and give it back. */
class BufferLendingTest {
    private final BufferPool pool = new BufferPool(4096, 4);
    private final MemoryChannel channel = new MemoryChannel(new StubContext((req, res) -> res.send()));

    @Test
    void writeBufferIsBorrowedForAnExchangeAndReturnedWhenFlushed() throws IOException {
        OutputBuffer out = new OutputBuffer(channel, pool);
        out.write("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.release(); // refused: bytes are still buffered
        assertEquals(0, pool.available());
        out.flush();
        out.release();
        assertEquals(1, pool.available());
        out.write('x');
        assertEquals(0, pool.available(), "the next exchange borrows again");
    }

    @Test
    void smallRequestsAreReadIntoTheConnectionsOwnArray() throws IOException {
        channel.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        InputBuffer in = new InputBuffer(channel, new ServerStats(), pool, 32 * 1024);
        in.fill();
        byte[] own = in.buf;
        assertEquals(InputBuffer.IDLE_SIZE, own.length);
        assertEquals(0, pool.available());
        in.pos = in.limit;
        in.release();
        assertSame(own, in.buf, "kept: this transport waits for the next request in a blocking read");
    }

    @Test
    void onATransportThatSuspendsAnIdleConnectionHoldsNoArray() throws IOException {
        MemoryChannel suspending = new MemoryChannel(new StubContext((req, res) -> res.send())).suspending();
        suspending.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        pool.release(new byte[4096]);
        InputBuffer in = new InputBuffer(suspending, new ServerStats(), pool, 32 * 1024);
        assertEquals(0, in.buf.length);
        in.fillAvailable();
        assertEquals(4096, in.buf.length, "a busy spell borrows a pooled array");
        assertEquals(0, pool.available());
        in.pos = in.limit;
        in.release();
        assertEquals(0, in.buf.length);
        assertEquals(1, pool.available());
    }

    @Test
    void aHeadLargerThanTheIdleArrayBorrowsAndGivesBackOnceConsumed() throws IOException {
        byte[] big = new byte[InputBuffer.IDLE_SIZE * 3];
        java.util.Arrays.fill(big, (byte) 'a');
        channel.feed(big);
        pool.release(new byte[4096]);
        InputBuffer in = new InputBuffer(channel, new ServerStats(), pool, 32 * 1024);
        in.fill();
        byte[] own = in.buf;
        while (in.limit < big.length) {
            in.fill();
        }
        assertNotSame(own, in.buf);
        assertEquals(0, pool.available(), "the pooled array was borrowed");
        assertArrayEquals(big, java.util.Arrays.copyOfRange(in.buf, 0, in.limit), "no byte lost moving over");
        in.release(); // refused: bytes are unread
        assertEquals(0, pool.available());
        in.pos = in.limit;
        in.release();
        assertSame(own, in.buf);
        assertEquals(1, pool.available());
    }
}
