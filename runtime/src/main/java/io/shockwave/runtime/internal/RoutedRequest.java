package io.shockwave.runtime.internal;

import io.shockwave.runtime.Request;
import io.shockwave.runtime.RequestWrapper;

import java.nio.charset.StandardCharsets;

/**
 * A request a filter wrapped, routed by its {@link Request#path()}: it carries the
 * parameters the router captured from that path. Made only for wrapped requests; the
 * server's own are routed in place.
 */
final class RoutedRequest extends RequestWrapper implements PathCaptures {
    final byte[] path;
    private final ParamStack params = new ParamStack();

    RoutedRequest(Request wrapped) {
        super(wrapped);
        this.path = wrapped.path().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void pushPathParam(String name, int start, int end) {
        params.push(name, start, end);
    }

    @Override
    public void popPathParam() {
        params.pop();
    }

    @Override
    public String pathParam(String name) {
        return params.value(name, path);
    }
}
