package io.shockwave.runtime.internal;

import io.shockwave.runtime.Filter;
import io.shockwave.runtime.Handler;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.Response;

import java.util.List;

/** Links filters in front of a handler once, so that a request through them allocates nothing. */
public final class FilterChain {
    private FilterChain() {
    }

    /** {@code handler} behind {@code filters}, the first the outermost; the handler itself when there are none. */
    public static Handler of(List<Filter> filters, Handler handler) {
        Handler h = handler;
        for (int i = filters.size() - 1; i >= 0; i--) {
            h = new Link(filters.get(i), h);
        }
        return h;
    }

    private record Link(Filter filter, Handler next) implements Handler {
        @Override
        public void handle(Request request, Response response) throws Exception {
            filter.filter(request, response, next);
        }
    }
}
