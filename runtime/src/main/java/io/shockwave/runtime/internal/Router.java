package io.shockwave.runtime.internal;

import io.shockwave.runtime.ErrorHandler;
import io.shockwave.runtime.Filter;
import io.shockwave.runtime.Handler;
import io.shockwave.runtime.Method;
import io.shockwave.runtime.MethodNotAllowed;
import io.shockwave.runtime.NotFound;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.Response;
import io.shockwave.runtime.spi.AbstractRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

/**
 * A tree of path segments matched against the request's path bytes. Matching
 * backtracks (literal, then parameter, then wildcard at each level) and records
 * captures as offsets in the request, so a lookup allocates nothing.
 *
 * <p>A path no route matches, and a route without a handler for the method, go to the
 * server's {@link ErrorHandler} (an {@link ErrorDispatch}, which puts {@code Allow} on a 405)
 * as {@link NotFound} and {@link MethodNotAllowed}, so that they look like every other error
 * the application answers. Both are made once, not per request.
 *
 * <p>Filters added for a prefix are linked in front of the handlers of every route under
 * it when the routes are frozen, so they cost a request nothing when they do not apply.
 * A request a filter wrapped is routed by its own {@link Request#path()}.
 */
public final class Router implements Handler {
    private static final NotFound NOT_FOUND = new NotFound();
    private static final int METHODS = Method.values().length;

    private final Node root;
    private final List<PrefixFilter> filters;
    private boolean frozen;
    private final ErrorHandler errorHandler;

    public Router() {
        this(new Node(), new ArrayList<>(), new ErrorDispatch(java.util.Map.of(), new DefaultErrorHandler()));
    }

    private Router(Node root, List<PrefixFilter> filters, ErrorHandler errorHandler) {
        this.root = root;
        this.filters = filters;
        this.errorHandler = errorHandler;
    }

    /** These routes, frozen, answering 404 and 405 through {@code errorHandler}. */
    public Router withErrorHandler(ErrorHandler errorHandler) {
        Router r = new Router(freeze().root, filters, errorHandler);
        r.frozen = true;
        return r;
    }

    /** A filter for the routes whose pattern is {@code prefix} or under it ("" for all). */
    private record PrefixFilter(String prefix, Filter filter) {
        boolean covers(String pattern) {
            return prefix.isEmpty() || pattern.equals(prefix)
                    || (pattern.startsWith(prefix) && pattern.charAt(prefix.length()) == '/');
        }
    }

    /** Puts {@code filter} in front of every route under {@code prefix}, registered before or after it. */
    public void addFilter(String prefix, Filter filter) {
        if (frozen) {
            throw new IllegalStateException("routes are already built");
        }
        filters.add(new PrefixFilter(prefix, java.util.Objects.requireNonNull(filter, "filter")));
    }

    private static final class Node {
        byte[][] literals = new byte[0][];
        Node[] literalChildren = new Node[0];
        Node param;
        String paramName;
        Node wildcard;
        Handler[] handlers;
        /** The pattern whose handlers these are, as registered. */
        String pattern;
        MethodNotAllowed notAllowed;

        Node literal(byte[] segment) {
            for (int i = 0; i < literals.length; i++) {
                if (Arrays.equals(literals[i], segment)) {
                    return literalChildren[i];
                }
            }
            literals = Arrays.copyOf(literals, literals.length + 1);
            literalChildren = Arrays.copyOf(literalChildren, literalChildren.length + 1);
            Node child = new Node();
            literals[literals.length - 1] = segment;
            literalChildren[literalChildren.length - 1] = child;
            return child;
        }
    }

    public void add(Method method, String pattern, Handler handler) {
        if (frozen) {
            throw new IllegalStateException("routes are already built");
        }
        if (method == null || handler == null) {
            throw new NullPointerException("method and handler are required");
        }
        if (pattern == null || !pattern.startsWith("/")) {
            throw new IllegalArgumentException("a route pattern starts with '/': " + pattern);
        }
        Node node = root;
        String[] segments = pattern.substring(1).split("/", -1);
        if (pattern.equals("/")) {
            segments = new String[] {""};
        }
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.equals("*")) {
                if (i != segments.length - 1) {
                    throw new IllegalArgumentException("'*' must be the last segment: " + pattern);
                }
                if (node.wildcard == null) {
                    node.wildcard = new Node();
                }
                node = node.wildcard;
            } else if (s.startsWith("{") && s.endsWith("}")) {
                String name = s.substring(1, s.length() - 1);
                if (name.isEmpty() || name.equals("*")) {
                    throw new IllegalArgumentException("a parameter needs a name: " + pattern);
                }
                if (node.param == null) {
                    node.param = new Node();
                    node.paramName = name;
                } else if (!node.paramName.equals(name)) {
                    throw new IllegalArgumentException("parameter {" + name + "} in " + pattern
                            + " conflicts with {" + node.paramName + "} at the same position");
                }
                node = node.param;
            } else if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0 || s.indexOf('*') >= 0) {
                throw new IllegalArgumentException("a segment is a literal, {name} or a final *: " + pattern);
            } else {
                node = node.literal(s.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (node.handlers == null) {
            node.handlers = new Handler[METHODS];
            node.pattern = pattern;
        }
        if (node.handlers[method.ordinal()] != null) {
            throw new IllegalArgumentException("a handler for " + method + " " + pattern + " is already set");
        }
        node.handlers[method.ordinal()] = handler;
    }

    public Router freeze() {
        if (!frozen) {
            frozen = true;
            prepare(root);
        }
        return this;
    }

    /** Computes each endpoint's {@code Allow}, and links the filters that cover it in front of its handlers. */
    private void prepare(Node node) {
        if (node.handlers != null) {
            List<Filter> covering = new ArrayList<>();
            for (PrefixFilter f : filters) {
                if (f.covers(node.pattern)) {
                    covering.add(f.filter());
                }
            }
            for (int m = 0; m < METHODS; m++) {
                if (node.handlers[m] != null) {
                    node.handlers[m] = FilterChain.of(covering, node.handlers[m]);
                }
            }
            StringJoiner allow = new StringJoiner(", ");
            for (Method m : Method.values()) {
                if (node.handlers[m.ordinal()] != null
                        || (m == Method.HEAD && node.handlers[Method.GET.ordinal()] != null)) {
                    allow.add(m.name());
                }
            }
            node.notAllowed = new MethodNotAllowed(allow.toString());
        }
        for (Node child : node.literalChildren) {
            prepare(child);
        }
        if (node.param != null) {
            prepare(node.param);
        }
        if (node.wildcard != null) {
            prepare(node.wildcard);
        }
    }

    @Override
    public void handle(Request request, Response response) throws Exception {
        Node endpoint;
        if (request instanceof AbstractRequest req) {
            byte[] path = req.routingPath();
            int off = req.routingPathOffset();
            endpoint = match(root, path, off, off + req.routingPathLength(), req);
        } else {
            RoutedRequest routed = new RoutedRequest(request);
            endpoint = match(root, routed.path, 0, routed.path.length, routed);
            request = routed;
        }
        if (endpoint == null) {
            errorHandler.handle(request, response, NOT_FOUND);
            return;
        }
        Handler[] handlers = endpoint.handlers;
        Handler handler = handlers[request.method().ordinal()];
        if (handler == null && request.method() == Method.HEAD) {
            handler = handlers[Method.GET.ordinal()];
        }
        if (handler == null) {
            errorHandler.handle(request, response, endpoint.notAllowed);
            return;
        }
        handler.handle(request, response);
    }

    /** The node whose handlers serve {@code path[pos, end)}, {@code pos} at a '/', or null. */
    private static Node match(Node node, byte[] path, int pos, int end, PathCaptures req) {
        if (pos >= end || path[pos] != '/') {
            return pos >= end && node.handlers != null ? node : wildcard(node, path, pos, end, req);
        }
        int start = pos + 1;
        int stop = start;
        while (stop < end && path[stop] != '/') {
            stop++;
        }
        int segmentLength = stop - start;
        byte[][] literals = node.literals;
        for (int i = 0; i < literals.length; i++) {
            byte[] literal = literals[i];
            if (literal.length == segmentLength && Arrays.equals(literal, 0, segmentLength, path, start, stop)) {
                Node found = match(node.literalChildren[i], path, stop, end, req);
                if (found != null) {
                    return found;
                }
            }
        }
        if (node.param != null && segmentLength > 0) {
            req.pushPathParam(node.paramName, start, stop);
            Node found = match(node.param, path, stop, end, req);
            if (found != null) {
                return found;
            }
            req.popPathParam();
        }
        return wildcard(node, path, pos, end, req);
    }

    private static Node wildcard(Node node, byte[] path, int pos, int end, PathCaptures req) {
        Node w = node.wildcard;
        if (w == null || w.handlers == null) {
            return null;
        }
        int start = pos < end && path[pos] == '/' ? pos + 1 : pos;
        req.pushPathParam("*", start, end);
        return w;
    }

    /** The patterns served, for diagnostics. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        describe(root, "", out);
        return out;
    }

    private static void describe(Node node, String prefix, List<String> out) {
        if (node.handlers != null) {
            out.add((prefix.isEmpty() ? "/" : prefix) + " [" + node.notAllowed.allow() + "]");
        }
        for (int i = 0; i < node.literals.length; i++) {
            describe(node.literalChildren[i], prefix + "/" + new String(node.literals[i], StandardCharsets.UTF_8), out);
        }
        if (node.param != null) {
            describe(node.param, prefix + "/{" + node.paramName + "}", out);
        }
        if (node.wildcard != null) {
            describe(node.wildcard, prefix + "/*", out);
        }
    }
}
