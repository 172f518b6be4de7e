package io.shockwave.http1.internal;

import io.shockwave.runtime.Handler;
import io.shockwave.runtime.Limits;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs a connection over a {@link MemoryChannel} until the client's bytes run out. */
final class Exchanges {
    private Exchanges() {
    }

    /** A request head from its lines: each gets CRLF, and an empty line ends it. */
    static String head(String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Serves the connection to its end; each segment arrives in reads of its own. */
    static MemoryChannel serve(Handler handler, String... segments) {
        return serve(new StubContext(handler), segments);
    }

    static MemoryChannel serve(Handler handler, Limits limits, String... segments) {
        return serve(new StubContext(handler, limits), segments);
    }

    static MemoryChannel serve(StubContext context, String... segments) {
        MemoryChannel channel = new MemoryChannel(context);
        for (String s : segments) {
            channel.feed(s);
        }
        return serve(context, channel);
    }

    static MemoryChannel serve(StubContext context, MemoryChannel channel) {
        new Http1Connection(channel, context).serve();
        return channel;
    }

    /** Each response the server wrote, as its status and body text. */
    static List<String> bodies(MemoryChannel channel) {
        List<String> out = new ArrayList<>();
        for (ResponseReader.Parsed p : responses(channel).all()) {
            out.add(p.status() + " " + p.bodyText());
        }
        return out;
    }

    static ResponseReader responses(MemoryChannel channel) {
        return new ResponseReader(channel.output());
    }
}
