package io.shockwave.samples.rest;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Health;
import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.NotFound;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.Response;
import io.shockwave.runtime.Routes;
import io.shockwave.runtime.Server;
import io.shockwave.runtime.Status;
import io.shockwave.samples.SampleOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JSON REST service a user can copy: CRUD on to-do items kept in memory, with validation
 * and the status codes a client expects.
 *
 * <pre>
 * GET    /api/todos          200, every item ({@code ?done=true|false} filters)
 * POST   /api/todos          201 with Location, or 400 (not JSON), 415 (not application/json), 422 (invalid)
 * GET    /api/todos/{id}     200, or 404
 * PUT    /api/todos/{id}     200, or 404, 400, 415, 422
 * DELETE /api/todos/{id}     204, or 404
 * </pre>
 *
 * Every error is JSON, {@code {"error":"..."}}, 404 and 405 included, through exception
 * handlers registered by type. Run it with {@code java -jar samples/target/shockwave-demo.jar rest}.
 */
public final class RestApp {
    /** Bodies larger than this are refused (413): a to-do item is a line of text. */
    static final int MAX_BODY = 16 * 1024;
    static final int MAX_TITLE = 200;
    /** Items kept at most: the store is memory, and clients are strangers. */
    static final int MAX_ITEMS = 10_000;

    record Todo(long id, String title, boolean done) {
        String json() {
            return "{\"id\":" + id + ",\"title\":" + Json.quote(title) + ",\"done\":" + done + "}";
        }
    }

    /** A well-formed body that breaks a rule: 422 with the rule. */
    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    private final ConcurrentSkipListMap<Long, Todo> todos = new ConcurrentSkipListMap<>();
    private final AtomicLong ids = new AtomicLong();

    private RestApp() {
    }

    public static void main(String[] args) {
        Server server = start(SampleOptions.parse(args).noOthers("rest [--port N] [--tls-port N | --no-tls]").builder());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(5))));
        System.out.println("REST sample on " + SampleOptions.urls(server) + "api/todos");
    }

    /** Starts the service on the builder's listeners. */
    public static Server start(Server.Builder builder) {
        RestApp app = new RestApp();
        Health health = new Health();
        return builder
                .health(health)
                .exception(Invalid.class, (e, req, res) -> error(res, Status.of(422), e.getMessage()))
                .exception(Json.Malformed.class, (e, req, res) -> error(res, Status.BAD_REQUEST, "malformed JSON: " + e.getMessage()))
                .exception(HttpException.class, (e, req, res) -> error(res, e.status(), e.getMessage()))
                .routes(r -> {
                    r.get("/health/ready", health.ready()).get("/health/live", health.live());
                    app.routes(r);
                })
                .start();
    }

    private void routes(Routes r) {
        r.group("/api/todos", api -> api
                .get("/", this::list)
                .post("/", this::create)
                .get("/{id}", (req, res) -> res.contentType("application/json").send(find(req).json()))
                .put("/{id}", this::replace)
                .delete("/{id}", (req, res) -> {
                    if (todos.remove(find(req).id()) == null) {
                        throw new NotFound();
                    }
                    res.status(Status.NO_CONTENT).send();
                }));
    }

    private void list(Request req, Response res) {
        String done = req.queryParam("done");
        if (done != null && !done.equals("true") && !done.equals("false")) {
            throw new HttpException(Status.BAD_REQUEST, "done is true or false");
        }
        StringJoiner out = new StringJoiner(",", "[", "]");
        for (Todo t : todos.values()) {
            if (done == null || t.done() == Boolean.parseBoolean(done)) {
                out.add(t.json());
            }
        }
        res.contentType("application/json").send(out.toString());
    }

    private void create(Request req, Response res) throws IOException {
        Todo fields = read(req, 0);
        if (todos.size() >= MAX_ITEMS) {
            throw new HttpException(Status.of(507, "Insufficient Storage"), "the store is full");
        }
        Todo t = new Todo(ids.incrementAndGet(), fields.title(), fields.done());
        todos.put(t.id(), t);
        res.status(Status.CREATED).header(HeaderName.LOCATION, "/api/todos/" + t.id())
                .contentType("application/json").send(t.json());
    }

    private void replace(Request req, Response res) throws IOException {
        long id = find(req).id();
        Todo t = read(req, id);
        if (todos.replace(id, t) == null) {
            throw new NotFound(); // deleted meanwhile
        }
        res.contentType("application/json").send(t.json());
    }

    private Todo find(Request req) {
        long id;
        try {
            id = Long.parseLong(req.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new NotFound();
        }
        Todo t = todos.get(id);
        if (t == null) {
            throw new NotFound();
        }
        return t;
    }

    /** The item a request's body describes, checked. */
    private static Todo read(Request req, long id) throws IOException {
        String type = req.header(HeaderName.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new HttpException(Status.of(415), "send application/json");
        }
        byte[] body = req.body().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new HttpException(Status.CONTENT_TOO_LARGE, "a body of at most " + MAX_BODY + " bytes");
        }
        Map<String, Object> m = Json.parseObject(new String(body, StandardCharsets.UTF_8));
        for (String name : m.keySet()) {
            if (!name.equals("title") && !name.equals("done")) {
                throw new Invalid("unknown member \"" + name + "\"");
            }
        }
        if (!(m.get("title") instanceof String title) || title.isBlank()) {
            throw new Invalid("title is a non-empty string");
        }
        if (title.length() > MAX_TITLE) {
            throw new Invalid("title has at most " + MAX_TITLE + " characters");
        }
        Object done = m.getOrDefault("done", Boolean.FALSE);
        if (!(done instanceof Boolean d)) {
            throw new Invalid("done is true or false");
        }
        return new Todo(id, title.strip(), d);
    }

    private static void error(Response res, Status status, String message) {
        res.status(status).contentType("application/json").send("{\"error\":" + Json.quote(message) + "}");
    }
}
