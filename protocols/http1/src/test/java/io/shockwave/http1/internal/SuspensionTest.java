package io.shockwave.http1.internal;

import io.shockwave.runtime.Handler;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.shockwave.http1.internal.Exchanges.bodies;
import static io.shockwave.http1.internal.Exchanges.head;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a transport that can suspend, an idle connection gives its thread back: serve()
 * returns with a resume left on the channel, and the resume carries on where it stopped.
 */
class SuspensionTest {
    private static final Handler ECHO = (req, res) -> res.send(req.method() + " " + req.path());
    private static final String GET_A = head("GET /a HTTP/1.1", "Host: x");
    private static final String GET_B = head("GET /b HTTP/1.1", "Host: x");

    @Test
    void anIdleConnectionSuspendsAfterItsResponseLeftAndResumesForTheNextRequest() {
        MemoryChannel ch = new MemoryChannel(new StubContext(ECHO)).suspending();
        ch.feed(GET_A).pause().feed(GET_B);
        new Http1Connection(ch, ch.context()).serve();

        Runnable resume = ch.suspension();
        assertNotNull(resume, "suspended instead of waiting for the next request");
        assertEquals(List.of("200 GET /a"), bodies(ch), "the response left before suspending");
        assertFalse(ch.transportClosed());
        assertTrue(ch.isOpen());

        resume.run();
        assertNull(ch.suspension(), "ended: the client closed after the second request");
        assertEquals(List.of("200 GET /a", "200 GET /b"), bodies(ch));
        assertTrue(ch.transportClosed());
    }

    @Test
    void aConnectionSuspendsBeforeItsFirstRequest() {
        MemoryChannel ch = new MemoryChannel(new StubContext(ECHO)).suspending();
        ch.pause().feed(GET_A);
        new Http1Connection(ch, ch.context()).serve();
        Runnable resume = ch.suspension();
        assertNotNull(resume);
        assertEquals(0, ch.output().length);
        resume.run();
        assertEquals(List.of("200 GET /a"), bodies(ch));
    }

    @Test
    void pipelinedRequestsAreServedWithoutSuspendingBetweenThem() {
        MemoryChannel ch = new MemoryChannel(new StubContext(ECHO)).suspending();
        ch.feed(GET_A + GET_B);
        new Http1Connection(ch, ch.context()).serve();
        assertNull(ch.suspension());
        assertEquals(List.of("200 GET /a", "200 GET /b"), bodies(ch));
        assertEquals(1, ch.writeCalls());
    }

    @Test
    void aSuspendedConnectionWhoseIdleTimeoutPassedClosesWithoutAResponse() {
        MemoryChannel ch = new MemoryChannel(new StubContext(ECHO)).suspending();
        ch.feed(GET_A).pause().feed(GET_B);
        new Http1Connection(ch, ch.context()).serve();
        assertTrue(ch.letGo());
        ch.checkDeadlines(System.nanoTime() + 3_600_000_000_000L); // the watchdog, once the idle timeout passed
        Runnable resume = ch.resumed();
        assertNotNull(resume, "the expiry woke the suspended connection");
        resume.run();
        assertNull(ch.suspension());
        assertEquals(List.of("200 GET /a"), bodies(ch), "an idle keep-alive connection just closes: no 408");
        assertTrue(ch.transportClosed());
    }

    @Test
    void aSuspendedConnectionAskedToCloseGracefullyClosesWithoutServingMore() {
        MemoryChannel ch = new MemoryChannel(new StubContext(ECHO)).suspending();
        ch.feed(GET_A).pause().pause().pause(); // the client stays, silent: each look finds nothing
        new Http1Connection(ch, ch.context()).serve();
        assertTrue(ch.letGo());
        assertTrue(ch.closeGracefullyIfIdle());
        Runnable resume = ch.resumed();
        assertNotNull(resume, "the close woke the suspended connection");
        resume.run();
        assertNull(ch.suspension());
        assertEquals(List.of("200 GET /a"), bodies(ch));
        assertTrue(ch.outputShut(), "closed in stages: FIN first");
        assertTrue(ch.transportClosed());
    }

    @Test
    void aRequestThatArrivedBeforeAGracefulCloseIsAnsweredAsTheLast() {
        MemoryChannel ch = new MemoryChannel(new StubContext(ECHO)).suspending();
        ch.feed(GET_A).pause().feed(GET_B);
        new Http1Connection(ch, ch.context()).serve();
        assertTrue(ch.letGo());
        ch.closeGracefully(); // GET /b is already in the socket: it is read, and answered
        ch.resumed().run();
        assertNull(ch.suspension());
        assertEquals(List.of("200 GET /a", "200 GET /b"), bodies(ch));
        String out = ch.outputText();
        String last = out.substring(out.lastIndexOf("HTTP/1.1 200"));
        assertTrue(last.contains("Connection: close\r\n"), last);
        assertTrue(ch.transportClosed());
    }

    @Test
    void aSuspendedConnectionClosedOutrightEndsWhenResumed() {
        MemoryChannel ch = new MemoryChannel(new StubContext(ECHO)).suspending();
        ch.feed(GET_A).pause().feed(GET_B);
        new Http1Connection(ch, ch.context()).serve();
        assertTrue(ch.letGo());
        ch.close();
        assertFalse(ch.isOpen());
        ch.resumed().run();
        assertNull(ch.suspension());
        assertEquals(List.of("200 GET /a"), bodies(ch), "the request sent after the close is not served");
    }
}
