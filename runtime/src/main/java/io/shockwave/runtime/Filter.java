package io.shockwave.runtime;

/**
 * Runs around a handler: it may answer itself and not call {@code next} (authentication,
 * a CORS preflight, a rate limit), set request attributes for the handler, set response
 * headers before the handler commits, or pass wrapped views of the request and response
 * on ({@link RequestWrapper}, {@link ResponseWrapper}), for instance to transform the body.
 *
 * <p>Filters are registered on the server ({@code Server.Builder.filter}), where they see
 * every request including those no route matches, or on routes
 * ({@link Routes#filter}), where they see the requests of the routes under that prefix.
 * They run in the order registered, the first the outermost. The chain is linked once at
 * start: calling a filter costs a method call, not an allocation.
 *
 * <pre>{@code
 * r.group("/admin", admin -> admin
 *         .filter((req, res, next) -> {
 *             if (!"secret".equals(req.header("X-Token"))) {
 *                 res.status(Status.UNAUTHORIZED).send("who are you?");
 *                 return;
 *             }
 *             req.attribute("user", "admin");
 *             next.handle(req, res);
 *         })
 *         .get("/stats", (req, res) -> res.send("hello " + req.attribute("user"))));
 * }</pre>
 */
@FunctionalInterface
public interface Filter {
    void filter(Request request, Response response, Handler next) throws Exception;
}
