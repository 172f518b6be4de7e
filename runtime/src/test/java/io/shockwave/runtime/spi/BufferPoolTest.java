package io.shockwave.runtime.spi;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class BufferPoolTest {
    @Test
    void keepsAtMostItsCapacityAndLendsWhatItKeeps() {
        BufferPool pool = new BufferPool(64, 10);
        List<byte[]> lent = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            lent.add(pool.acquire());
        }
        lent.forEach(pool::release);
        assertEquals(10, pool.available(), "the five over the capacity are left to the collector");

        Set<byte[]> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 10; i++) {
            kept.add(pool.acquire());
        }
        assertEquals(10, kept.size(), "ten distinct arrays");
        assertEquals(0, pool.available());
        kept.forEach(b -> assertEquals(true, lent.stream().anyMatch(l -> l == b), "a pooled array, not a new one"));
    }

    @Test
    void ignoresArraysOfAnotherSize() {
        BufferPool pool = new BufferPool(64, 4);
        pool.release(new byte[63]);
        assertEquals(0, pool.available());
    }

    @Test
    void aThreadGetsBackTheArrayItReturned() {
        BufferPool pool = new BufferPool(64, 64);
        byte[] b = pool.acquire();
        pool.release(b);
        assertSame(b, pool.acquire());
    }

    @Test
    void neverLendsOneArrayToTwoThreadsAtOnce() throws Exception {
        BufferPool pool = new BufferPool(8, 16);
        Set<byte[]> inUse = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        AtomicReference<String> violation = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50_000; i++) {
                    byte[] b = pool.acquire();
                    if (!inUse.add(b)) {
                        violation.set("an array lent twice at once");
                    }
                    inUse.remove(b);
                    pool.release(b);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(violation.get());
        assertEquals(true, pool.available() <= 16);
    }
}
