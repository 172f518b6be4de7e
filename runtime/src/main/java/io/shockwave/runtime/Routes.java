package io.shockwave.runtime;

import io.shockwave.runtime.internal.Router;

/**
 * Builds a router from method + path patterns. A pattern is a path whose segments are
 * literals, parameters {@code {name}} that match one non-empty segment, or, last, a
 * wildcard {@code *} that matches the rest of the path (read it with
 * {@code pathParam("*")}). Literals win over parameters, parameters over wildcards.
 * An unmatched path is a {@link NotFound} (404) and a matched path without a handler for
 * the method a {@link MethodNotAllowed} (405, with {@code Allow}), both answered by the
 * server's {@link ErrorHandler}. HEAD is served by the GET handler when it has none of its own.
 *
 * <pre>{@code
 * r.get("/users/{id}", (req, res) -> res.send("user " + req.pathParam("id")))
 *  .post("/echo", (req, res) -> req.body().transferTo(res.output()))
 *  .get("/static/*", files);
 * }</pre>
 */
public final class Routes {
    /** An empty set of routes; {@code Server.Builder.routes} hands you one. */
    public Routes() {
        this(new Router(), "");
    }

    private Routes(Router router, String prefix) {
        this.router = router;
        this.prefix = prefix;
    }

    private final Router router;
    /** What {@link #group} puts before every pattern: "" at the top, "/api" in a group. */
    private final String prefix;

    /**
     * Routes under {@code prefix}: {@code group("/api", api -> api.get("/users", h))} serves
     * {@code /api/users}, and {@code api.get("/", h)} serves {@code /api} itself. Groups nest.
     */
    public Routes group(String prefix, java.util.function.Consumer<Routes> group) {
        if (prefix == null || !prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("*")) {
            throw new IllegalArgumentException("a group prefix starts with '/' and ends with no '/' or '*': " + prefix);
        }
        group.accept(new Routes(router, this.prefix + prefix));
        return this;
    }

    /**
     * Puts {@code filter} in front of every route under this prefix (every route, at the
     * top), whether registered before or after it; filters run in the order they were added,
     * an enclosing group's first when it added them first. A path no route matches is
     * answered without these filters: one that must see every request goes on the server,
     * {@code Server.Builder.filter}.
     */
    public Routes filter(Filter filter) {
        router.addFilter(prefix, filter);
        return this;
    }

    private String full(String pattern) {
        if (prefix.isEmpty() || pattern == null) {
            return pattern;
        }
        return pattern.equals("/") ? prefix : prefix + pattern;
    }

    public Routes get(String pattern, Handler handler) {
        return route(Method.GET, pattern, handler);
    }

    public Routes head(String pattern, Handler handler) {
        return route(Method.HEAD, pattern, handler);
    }

    public Routes post(String pattern, Handler handler) {
        return route(Method.POST, pattern, handler);
    }

    public Routes put(String pattern, Handler handler) {
        return route(Method.PUT, pattern, handler);
    }

    public Routes delete(String pattern, Handler handler) {
        return route(Method.DELETE, pattern, handler);
    }

    public Routes patch(String pattern, Handler handler) {
        return route(Method.PATCH, pattern, handler);
    }

    public Routes options(String pattern, Handler handler) {
        return route(Method.OPTIONS, pattern, handler);
    }

    public Routes route(Method method, String pattern, Handler handler) {
        router.add(method, full(pattern), handler);
        return this;
    }

    /**
     * Serves {@code pattern} for every method but CONNECT and TRACE: a handler written for
     * ordinary requests should not answer a tunnel request, nor echo a request back (TRACE
     * can leak cookies and credentials to a script, RFC 9110 §9.3.8). Register those
     * explicitly with {@link #route} where they are wanted.
     */
    public Routes any(String pattern, Handler handler) {
        for (Method m : Method.values()) {
            if (m != Method.CONNECT && m != Method.TRACE) {
                router.add(m, full(pattern), handler);
            }
        }
        return this;
    }

    /**
     * Serves the files under {@code root} at {@code prefix}: {@code staticFiles("/assets", dir)}
     * serves {@code dir/app.js} as {@code /assets/app.js}, and {@code dir/index.html} as
     * {@code /assets/} (GET and HEAD; see {@link StaticFiles}).
     */
    public Routes staticFiles(String prefix, java.nio.file.Path root) {
        return staticFiles(prefix, StaticFiles.of(root));
    }

    /** Serves {@code files} at {@code prefix}, for one configured with {@code StaticFiles.withX(..)}. */
    public Routes staticFiles(String prefix, StaticFiles files) {
        if (prefix == null || !prefix.startsWith("/") || prefix.endsWith("/") && prefix.length() > 1) {
            throw new IllegalArgumentException("a static files prefix starts with '/' and does not end with one: " + prefix);
        }
        return get(prefix.equals("/") ? "/*" : prefix + "/*", files);
    }

    /** The handler that dispatches by these routes. */
    public Handler build() {
        return router.freeze();
    }
}
