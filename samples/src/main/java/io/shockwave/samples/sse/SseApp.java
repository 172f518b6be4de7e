package io.shockwave.samples.sse;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Health;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.Response;
import io.shockwave.runtime.Server;
import io.shockwave.runtime.Status;
import io.shockwave.samples.SampleOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Server-sent events (the HTML standard's {@code text/event-stream}) over HTTP/1.1, HTTP/2
 * and HTTP/3 alike: {@code /events} sends a numbered tick every {@code interval}
 * milliseconds (default 1000), {@code count} of them (default: until the client leaves or
 * the server stops), resuming after {@code Last-Event-ID} when a browser reconnects; {@code /}
 * is a page that shows them. The handler is a plain blocking loop: write, flush, sleep.
 * Run it with {@code java -jar samples/target/shockwave-demo.jar sse}.
 */
public final class SseApp {
    /**
     * The largest Last-Event-ID taken: at an event a millisecond, a stream from there would run
     * 285,000 years before an id overflowed.
     */
    static final long MAX_ID = 1L << 53;

    private SseApp() {
    }

    public static void main(String[] args) {
        Server server = start(SampleOptions.parse(args).noOthers("sse [--port N] [--tls-port N | --no-tls]").builder());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(5))));
        System.out.println("Server-sent events on " + SampleOptions.urls(server));
    }

    public static Server start(Server.Builder builder) {
        Health health = new Health();
        return builder
                .health(health)
                .routes(r -> r
                        .get("/", (req, res) -> res.contentType("text/html; charset=utf-8").send(PAGE))
                        .get("/events", (req, res) -> events(req, res, health))
                        .get("/health/ready", health.ready()))
                .start();
    }

    private static void events(Request req, Response res, Health health) throws IOException, InterruptedException {
        long interval = number(req.queryParam("interval"), 1000, 10, 60_000);
        long count = number(req.queryParam("count"), Long.MAX_VALUE, 1, Long.MAX_VALUE);
        // Ids count from where the client left off; bounded so that no id overflows, however long the stream.
        long first = number(req.header("Last-Event-ID"), 0, 0, MAX_ID) + 1;
        res.contentType("text/event-stream; charset=utf-8").header(HeaderName.CACHE_CONTROL, "no-store");
        OutputStream out = res.output();
        out.write(("retry: " + Math.max(1000, interval) + "\n\n").getBytes(StandardCharsets.UTF_8));
        for (long sent = 0; sent < count; sent++) {
            long id = first + sent;
            String event = "id: " + id + "\ndata: {\"tick\":" + id + ",\"protocol\":\"" + req.protocol()
                    + "\",\"time\":\"" + Instant.now() + "\"}\n\n";
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush(); // a write to a client that left fails here, and ends the loop
            if (health.isStopping()) {
                return; // end the stream: the browser reconnects, to another instance
            }
            if (sent + 1 < count) {
                Thread.sleep(interval);
            }
        }
    }

    private static long number(String value, long otherwise, long min, long max) {
        if (value == null) {
            return otherwise;
        }
        try {
            long v = Long.parseLong(value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new HttpException(Status.BAD_REQUEST, "a number from " + min + " to " + max + " was expected: " + value);
    }

    /** Shows the events; with {@code ?count=N} it asks for N quick ones and closes the stream after them. */
    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Server-sent events</title></head>
            <body>
            <h1>Server-sent events</h1>
            <p>Status: <span id="status">connecting</span></p>
            <ol id="events"></ol>
            <script>
            const wanted = Number(new URLSearchParams(location.search).get('count')) || 0;
            const source = new EventSource(wanted ? '/events?interval=50&count=' + wanted : '/events');
            let seen = 0;
            source.onopen = () => document.getElementById('status').textContent = 'open';
            source.onmessage = (e) => {
              const tick = JSON.parse(e.data);
              const li = document.createElement('li');
              li.textContent = 'tick ' + tick.tick + ' over ' + tick.protocol;
              document.getElementById('events').appendChild(li);
              if (wanted && ++seen === wanted) {
                source.close();
                document.getElementById('status').textContent = 'done';
              }
            };
            </script>
            </body>
            </html>
            """;
}
