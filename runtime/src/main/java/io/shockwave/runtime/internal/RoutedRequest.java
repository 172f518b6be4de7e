package io.shockwave.runtime.internal;

import io.shockwave.runtime.Request;
import io.shockwave.runtime.RequestWrapper;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A request a filter wrapped, routed by its {@link Request#path()}: it carries the
 * parameters the router captured from that path. Made only for wrapped requests; the
 * server's own are routed in place.
 */
final class RoutedRequest extends RequestWrapper implements PathCaptures {
    final byte[] path;
    private String[] names = new String[4];
    private int[] bounds = new int[8];
    private int count;

    RoutedRequest(Request wrapped) {
        super(wrapped);
        this.path = wrapped.path().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void pushPathParam(String name, int start, int end) {
        if (count == names.length) {
            names = Arrays.copyOf(names, count * 2);
            bounds = Arrays.copyOf(bounds, count * 4);
        }
        names[count] = name;
        bounds[count * 2] = start;
        bounds[count * 2 + 1] = end;
        count++;
    }

    @Override
    public void popPathParam() {
        count--;
    }

    @Override
    public String pathParam(String name) {
        for (int i = count - 1; i >= 0; i--) {
            if (names[i].equals(name)) {
                return new String(path, bounds[i * 2], bounds[i * 2 + 1] - bounds[i * 2], StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
